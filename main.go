// Command modscope is a Lua modding IDE and inspector: it runs a game
// folder's Lua outside the game, the way that game would, in separate
// contexts, and shows what every loading step did. See README.md and docs/.
package main

import (
	"io"
	"log"
	"os"

	"modscope/cli"
	"modscope/internal/logfile"
	"modscope/ui"
)

func main() {
	// Standard error carries modscope's own messages only: what Fyne logs
	// about itself goes to a log file (internal/logfile).
	if p := logfile.DefaultPath(); p != "" {
		log.SetOutput(&logfile.Writer{Path: p})
	} else {
		log.SetOutput(io.Discard)
	}
	os.Exit(cli.Main(os.Args[1:], cli.Env{
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Window: ui.Run,
	}))
}
