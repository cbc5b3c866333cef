// Command modscope is a Lua modding IDE and inspector: it runs a game
// folder's Lua outside the game, the way that game would, in separate
// contexts, and shows what every loading step did. See README.md.
package main

import (
	"os"

	"modscope/cli"
	"modscope/ui"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.Env{
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Window: ui.Run,
	}))
}
