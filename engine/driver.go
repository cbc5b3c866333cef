package engine

// Driver is the narrow interface through which the window and the CLI drive
// an engine: commands in, plain data out. *Session implements it in
// process; engine/remote implements it over a child process, so that a
// game folder that kills its engine cannot take the window down.
type Driver interface {
	Do(cmd Command) Result
	// RunScript plays event-script lines, one result per line, and keeps
	// the results for the report's events.
	RunScript(lines []ScriptLine) []EventResult
	Subscribe(fn func(Event)) (unsubscribe func())
	Steps() (names []string, next int)
	Contexts() []ContextInfo
	Report() Report
	Log() []LogEntry
	Watches() []WatchResult
	// Folder describes the open folder as the engine sees it: detection,
	// settings, Lua files and what the model offers the window.
	Folder() FolderInfo
	TrackDiffs(on bool)
	Interrupt()
	Close()
}

var _ Driver = (*Session)(nil)
