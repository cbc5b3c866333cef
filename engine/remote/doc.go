// Package remote runs an engine session in a child process, so that a game
// folder that kills its engine (a fatal out-of-memory, a Go stack
// overflow, a signal) cannot take the window or the command line down.
//
// The child is the program itself started with the hidden subcommand
// ServeArg (cli.Main routes it to ServeMain): it limits its own memory,
// opens the folder with every model linked in and serves engine.Driver
// over standard input and output as JSON lines, streaming events as they
// happen. Driver, in the parent, implements engine.Driver by talking to
// it. When the child dies, Driver turns the death into a recorded error
// naming the file and step that were running, fails every pending and
// later call fast, and can Restart the child, replaying the event log up
// to (not including) the fatal event.
package remote
