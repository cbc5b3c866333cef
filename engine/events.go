package engine

import "modscope/engine/record"

// Event kinds streamed from a session while it runs (engine/record).
const (
	EventFile      = record.EventFile      // a file finished (File)
	EventFileBegin = record.EventFileBegin // a file is about to run (Text = path)
	EventError     = record.EventError     // a Lua error was recorded (Error)
	EventOutput    = record.EventOutput    // print/io.write/logger output (Text, Where, Level)
	EventContext   = record.EventContext   // a context changed state (Text = new state)
	EventRead      = record.EventRead      // game code read a file through the engine (Text = path)
	EventMessage   = record.EventMessage   // a message or event was dispatched (Message)
	EventStep      = record.EventStep      // a step or command finished (Step, Log)
	EventStepBegin = record.EventStepBegin // a step or command began (Step; Log: its kind and text)
)

// The plain records of a run live in engine/record, which builds the
// report's records from the event stream; the engine names them too.
type (
	// Event is one plain-data notification from the engine.
	Event = record.Event
	// MessageRecord is one dispatch of a message or event to one context.
	MessageRecord = record.MessageRecord
	// LogEntry is one entry of the session's event log.
	LogEntry = record.LogEntry
	// FileRun is one execution of one Lua file.
	FileRun = record.FileRun
	// ErrorRecord is one Lua error with where it happened.
	ErrorRecord = record.ErrorRecord
	// OutputLine is one line written by print, io.write or a logger.
	OutputLine = record.OutputLine
	// StepReport is one loading step or one command that ran Lua.
	StepReport = record.StepReport
	// FileCounts counts every Lua file execution of the run.
	FileCounts = record.FileCounts
	// EventResult is the outcome of one event-script line.
	EventResult = record.EventResult
)
