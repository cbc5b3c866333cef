package inspector

// Plain records the engine fills and the UI and CLI show. They hold no Lua
// values and cross goroutines (and processes, as JSON) freely.

// Handler is one registered message/event handler or callback.
type Handler struct {
	Name  string `json:"name"`  // message or event name
	Order int    `json:"order"` // registration order (call order)
	Where string `json:"where"` // file:line of the handler function
}

// Class is one class declared by a mod (by whatever class helper the game
// API provides).
type Class struct {
	Name    string   `json:"name"`
	Parents []string `json:"parents,omitempty"` // direct parents, in declaration order
	Where   string   `json:"where"`             // file:line of the declaration
	Members int      `json:"members"`           // raw entries of the class table
}

// Thread is one coroutine the engine schedules (e.g. created with a
// CreateRealTimeThread-like API).
type Thread struct {
	ID     int    `json:"id"`
	State  string `json:"state"`             // e.g. running, sleeping, waiting, dead
	WakeAt int64  `json:"wake_at,omitempty"` // engine clock time at which a sleeping thread wakes
	Where  string `json:"where"`             // file:line where it is suspended (or created)
}

// ContextInfo summarises one Lua context (one *lua.LState).
type ContextInfo struct {
	Name        string   `json:"name"`
	Model       string   `json:"model"`               // the context model that created it
	Key         string   `json:"key"`                 // model-specific key (e.g. a player id)
	State       string   `json:"state"`               // loading, active, reloading, unloading, unloaded
	Residents   []string `json:"residents,omitempty"` // mods or files resident in the context
	Globals     int      `json:"globals"`             // raw entries of the globals table
	MemoryBytes int64    `json:"memory_bytes"`        // estimated memory use
}

// Provenance tells where a global came from: the file:line where its value
// was defined (for functions, where the function was written) and where it
// was last assigned, and the loading steps in which that happened.
type Provenance struct {
	DefinedAt    string `json:"defined_at,omitempty"`    // file:line
	AssignedAt   string `json:"assigned_at,omitempty"`   // file:line
	DefinedStep  string `json:"defined_step,omitempty"`  // loading step name
	AssignedStep string `json:"assigned_step,omitempty"` // loading step name
	Context      string `json:"context,omitempty"`       // context name
}

// Log entry kinds. The engine may use others.
const (
	LogMsg    = "msg"
	LogEvent  = "event"
	LogReload = "reload"
	LogStep   = "step"
	LogAttach = "attach"
	LogDetach = "detach"
	LogEval   = "eval"
)

// LogEntry is one line of the activity log.
type LogEntry struct {
	Seq      int      `json:"seq"`                // increasing sequence number
	Kind     string   `json:"kind"`               // msg, event, reload, step, attach, detach, eval, ...
	Name     string   `json:"name"`               // message/event/step name, or the evaluated text
	Args     []string `json:"args,omitempty"`     // short values of the arguments
	Context  string   `json:"context,omitempty"`  // context it happened in
	Handlers int      `json:"handlers,omitempty"` // number of handlers called
	Ms       float64  `json:"ms,omitempty"`       // duration in milliseconds
	Error    string   `json:"error,omitempty"`    // error message, if it failed
}
