// Command modscope-headless is modscope's command line without the window:
// `run`, `globals` and `version` exactly as the full binary, built in seconds
// because it does not link Fyne. Benchmarks and CI scripts use it.
package main

import (
	"errors"
	"os"

	"modscope/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Window: func(string) error {
			return errors.New("this build has no window: use the full modscope binary")
		},
	}))
}
