package engine

// Plain records of what a context did. They cross goroutines and processes
// (JSON tags), so they hold no Lua values.

// Lifecycle states of a context (docs/README.md).
const (
	StateLoading   = "loading"
	StateActive    = "active"
	StateReloading = "reloading"
	StateUnloading = "unloading"
	StateUnloaded  = "unloaded"
)

// HandlerInfo is one registered message/event handler or callback.
type HandlerInfo struct {
	Name  string `json:"name"`
	Order int    `json:"order"`
	Where string `json:"where"`
}

// Provenance says where a global was first defined and last assigned.
type Provenance struct {
	Name         string `json:"name"`
	Context      string `json:"context"`
	DefinedAt    string `json:"defined_at"`
	DefinedStep  string `json:"defined_step,omitempty"`
	AssignedAt   string `json:"assigned_at"`
	AssignedStep string `json:"assigned_step,omitempty"`
}

// StubRecord is one engine stand-in that code touched (stub mode).
// The report lists the names code used (a path only walked through to a
// field, like "terrain" of terrain.GetHeight(), is left out) with what
// their calls returned nested under them.
type StubRecord struct {
	Name  string `json:"name"`
	Calls int    `json:"calls"`
	First string `json:"first"`
	// Kind says where the name was read: global, library, const, config,
	// class (an undefined parent class) or module.
	Kind string `json:"kind,omitempty"`
	// Reads counts reads of the value (a global or field read, a class
	// inheriting from it); Writes assignments and table.insert into it.
	Reads  int `json:"reads"`
	Writes int `json:"writes,omitempty"`
	// Arities lists the numbers of arguments calls passed, ascending
	// (`modscope annotate` declares the function with them).
	Arities []int `json:"arities,omitempty"`
	// Classes lists the classes built with this stand-in parent (Kind class).
	Classes []string `json:"classes,omitempty"`
	// Results holds what calls of this function returned and what code did
	// with that ("GetMapSize()", "GetMapSize().x"), by name.
	Results []StubRecord `json:"results,omitempty"`
}

// GlobalChanges lists what a step did to one context's globals.
type GlobalChanges struct {
	Added   []string `json:"added,omitempty"`
	Changed []string `json:"changed,omitempty"`
	Removed []string `json:"removed,omitempty"`
}

// ContextInfo describes one context for lists and reports.
type ContextInfo struct {
	Name      string   `json:"name"`
	Model     string   `json:"model"`
	Key       string   `json:"key,omitempty"`
	State     string   `json:"state"`
	Globals   int      `json:"globals"`
	Residents []string `json:"residents,omitempty"`
	Files     int      `json:"files"`
	Errors    int      `json:"errors"`
}
