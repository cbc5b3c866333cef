package engine

// Event kinds streamed from a session while it runs.
const (
	EventFile      = "file"       // a file finished (File)
	EventFileBegin = "file_begin" // a file is about to run (Text = path)
	EventError     = "error"      // a Lua error was recorded (Error)
	EventOutput    = "output"     // print/io.write/logger output (Text, Where, Level)
	EventContext   = "context"    // a context changed state (Text = new state)
	EventRead      = "read"       // game code read a file through the engine (Text = path)
	EventMessage   = "message"    // a message or event was dispatched (Message)
	EventStep      = "step"       // a step or command finished (Step, Log)
	EventStepBegin = "step_begin" // a step or command began (Step)
)

// Event is one plain-data notification from the engine.
type Event struct {
	Kind    string         `json:"kind"`
	Context string         `json:"context,omitempty"`
	Step    string         `json:"step,omitempty"`
	Text    string         `json:"text,omitempty"`
	Where   string         `json:"where,omitempty"`
	Level   string         `json:"level,omitempty"`
	File    *FileRun       `json:"file,omitempty"`
	Error   *ErrorRecord   `json:"error,omitempty"`
	Message *MessageRecord `json:"message,omitempty"`
	Log     *LogEntry      `json:"log,omitempty"`
}

// MessageRecord is one dispatch of a message or event to one context.
type MessageRecord struct {
	Name     string   `json:"name"`
	Context  string   `json:"context"`
	Args     []string `json:"args,omitempty"`
	Handlers int      `json:"handlers"`
	Ms       float64  `json:"ms"`
	Step     string   `json:"step,omitempty"`
	// Target is whom it was delivered for, when a context handles it for
	// several (scripts: the attachment, "entity:3 scripts/door.lua").
	Target string `json:"target,omitempty"`
}

// LogEntry is one entry of the session's event log: every step, message,
// event, reload, attach/detach or eval, with what it ran.
type LogEntry struct {
	Seq      int      `json:"seq"`
	Kind     string   `json:"kind"` // step, reload, msg, event, join, attach, eval, ...
	Name     string   `json:"name"`
	Text     string   `json:"text,omitempty"` // the event-script line that replays it
	Context  string   `json:"context,omitempty"`
	Files    int      `json:"files"`
	Handlers int      `json:"handlers"`
	Ms       float64  `json:"ms"`
	Errors   []string `json:"errors,omitempty"`
	OK       bool     `json:"ok"`
}
