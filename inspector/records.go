package inspector

// The plain record the engine fills for a page node: no Lua values, it
// crosses goroutines and processes as JSON. The engine's own records
// (contexts, handlers, the log) live in engine and engine/record.

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
