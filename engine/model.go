package engine

import (
	"fmt"
	"io/fs"
	"sort"
)

// Model is one game's way of running Lua in contexts. A session drives it;
// a model never talks to the window or the CLI itself.
type Model interface {
	// Steps names every step of the current load (or reload), in order.
	Steps() []string
	// Next is the index in Steps of the step that runs next (len when done).
	Next() int
	// RunStep runs Steps()[Next()] and advances.
	RunStep() StepOutcome
	// Contexts lists the live contexts in display order.
	Contexts() []*Context
	// Do handles the model's own commands (reload, msg, event, join, ...).
	// ok is false when the op does not apply to this model.
	Do(cmd Command) (res Result, ok bool)
	// Close unloads every context.
	Close()
}

// ClassCounter is implemented by models that build classes (autorun).
type ClassCounter interface{ ClassCount() int }

// RegistryProvider is implemented by models with extra registries (classes,
// threads, players, attachments) for the inspector, as plain rows.
type RegistryProvider interface {
	Registries() map[string][]map[string]any
}

// StepOutcome is what a model says about a step it ran.
type StepOutcome struct {
	Messages []string // messages or events sent during the step, in order
	Fatal    bool     // the game would crash here: the rest of the load is skipped
	Error    string   // why the step could not run at all
}

// Host is what a model gets from its session.
type Host struct {
	Game   *Game
	emit   func(Event)
	retire func([]StubRecord)
}

// NewContext creates a context wired to the session's event stream.
func (h *Host) NewContext(name, key string) (*Context, error) {
	c, err := h.Game.newContext(name, h.Game.Model, key, h.emit)
	if err != nil {
		return nil, err
	}
	h.emit(Event{Kind: EventContext, Context: name, Text: StateLoading})
	return c, nil
}

// Emit sends an event to the session.
func (h *Host) Emit(e Event) { h.emit(e) }

// Lost tells the session that op could not run in context c (unloaded
// meanwhile: err) where no caller takes the error: a warning of c's
// output, "op: context NAME: err", sent straight to the session since c
// can no longer record it.
func (h *Host) Lost(c *Context, step, op string, err error) {
	h.emit(Event{Kind: EventOutput, Context: c.Name, Step: step, Level: "warn",
		Text: fmt.Sprintf("%s: context %s: %v", op, c.Name, err)})
}

// Factory builds a model on an opened game folder.
type Factory func(h *Host) (Model, error)

// ReloadRequester is implemented by models whose Lua can ask for a reload
// itself (autorun's ReloadLua()): after every command the session asks
// TakeReload once and, when it says yes, runs the reload to the end as the
// game would before its next frame. This is the only place a Lua-requested
// reload is picked up.
type ReloadRequester interface{ TakeReload() bool }

// Verb is one event-script verb a model adds (join, attach, ...).
type Verb struct {
	Name    string // the word that starts the line
	Usage   string // shown in "usage: ..." errors and help
	MinArgs int    // fewer arguments is a usage error
}

// ModelSpec is everything the core knows about one model; the model's
// package fills it in next to its factory and passes it to Register from
// its init. The core iterates the registered specs and names no model.
type ModelSpec struct {
	Name  string // the model name, as in modscope.toml's model key
	Order int    // position in ModelNames, detection and messages (lower first)
	New   Factory
	// Detect looks at a game folder for the model's markers; evidence is
	// a short human line such as "CommonLua/, Lua/" (the core prefixes
	// the model name). fsys is the folder opened as an os.Root: a link
	// that leads out of the folder is not followed.
	Detect func(fsys fs.FS) (evidence string, ok bool)
	// Markers describes the markers for the "matches no model" error,
	// e.g. "no scene.toml".
	Markers string
	// Settings, when not nil, returns a new pointer to the model's
	// modscope.toml section ([Name]), decoded with the rest of the file;
	// the model reads it back with SettingsSection.
	Settings func() any
	// SettingsRows lists a decoded section as key/value rows for the
	// window's folder info ("mods", "a, b"); empty values are skipped.
	SettingsRows func(section any) [][2]string
	// Verbs are the event-script verbs only this model understands.
	Verbs []Verb
	// DefaultContext names the context an eval or view without a context
	// name goes to when it is live (else the first context).
	DefaultContext string
	// Window says what the window offers for the model; the window reads
	// it (through Driver.Folder) instead of comparing model names.
	Window WindowSpec
}

// Forms of the window's send row (WindowSpec.Send).
const (
	SendEvent = "event" // "event TARGET NAME FIELDS": into a context the person picks (the default)
	SendMsg   = "msg"   // "msg NAME ARGS": a message to the whole game, no target
)

// WindowSpec is what the window offers for one model. It is plain data, so
// that a driver in another process reports it as it is.
type WindowSpec struct {
	// Title names the model's bundled sample in the window's menu.
	Title string `json:"title,omitempty"`
	// Send is the send row's form (SendEvent when empty); SendLabel is its
	// heading, NameHint and ArgsHint its entries' placeholders.
	Send      string `json:"send,omitempty"`
	SendLabel string `json:"send_label,omitempty"`
	NameHint  string `json:"name_hint,omitempty"`
	ArgsHint  string `json:"args_hint,omitempty"`
	// Targets are offered as event targets besides "all" and the live
	// contexts, also before such a context is live ("server").
	Targets []string `json:"targets,omitempty"`
	// PlayerActions shows the players row (join, jump, leave, logout) and
	// the generator callbacks, named from CallbackNames.
	PlayerActions bool `json:"player_actions,omitempty"`
	// AttachmentActions shows attach, detach, the context policy and
	// callbacks with a target.
	AttachmentActions bool `json:"attachment_actions,omitempty"`
	// LifecycleRows: the window fetches the model's registry rows after
	// commands, to say why a context is stuck loading and to fill the
	// player and attachment rows; RowsOnlyWhileLoading fetches them only
	// while a context loads or is stuck (they can be large).
	LifecycleRows        bool `json:"lifecycle_rows,omitempty"`
	RowsOnlyWhileLoading bool `json:"rows_only_while_loading,omitempty"`
	// ReloadAll: a file changed on disk reloads the whole game (as the
	// game's ReloadLua does), never just that file in its contexts.
	ReloadAll bool `json:"reload_all,omitempty"`
	// ModsSection is the modscope.toml section whose mods key orders the
	// mods ("": the model has no mod order); ModsFirst are written first
	// when the window creates that list (sectors: "base", the game).
	ModsSection string   `json:"mods_section,omitempty"`
	ModsFirst   []string `json:"mods_first,omitempty"`
	// OpenFirst is what the window opens in the editor after opening the
	// folder, first match wins: "DIR/" the first Lua file under DIR,
	// "*/NAME" the first Lua file named NAME anywhere below the top, else
	// a file by its path. Without a match, the first Lua file.
	OpenFirst []string `json:"open_first,omitempty"`
	// StepDocs say what the game does at each step (shown under the
	// stepper; WindowSpec.StepDoc reads them). Every step name the model
	// uses should find an entry (windowspec.go).
	StepDocs []StepDoc `json:"step_docs,omitempty"`
	// Rows are the kinds of registry rows the registries view shows in
	// their own shape, in this order (other kinds: a line a row).
	Rows []RowsSpec `json:"rows,omitempty"`
	// Stuck reads from the registry rows (LifecycleRows) why a context is
	// stuck loading; Note is a line the events panel shows from them;
	// CallbackNames names the callbacks the player row offers.
	Stuck         StuckRows `json:"stuck"`
	Note          RowNote   `json:"note"`
	CallbackNames RowColumn `json:"callback_names"`
}

// ModelWindow returns a registered model's WindowSpec (what the window
// shows for a model it has not opened, such as a sample's title).
func ModelWindow(name string) (WindowSpec, bool) {
	sp, ok := specs[name]
	if !ok {
		return WindowSpec{}, false
	}
	return sp.Window, true
}

var specs = map[string]*ModelSpec{}

// ModelNames lists every registered model in a stable order (filled by
// Register).
var ModelNames []string

// Register makes a model available to Open and to detection, settings and
// the event-script parser (called from the model packages' init; import
// modscope/engine/models for all of them).
func Register(spec ModelSpec) {
	if spec.Name == "" || spec.New == nil {
		panic("engine.Register: a model needs a name and a factory")
	}
	if _, dup := specs[spec.Name]; dup {
		panic("engine.Register: model " + spec.Name + " registered twice")
	}
	for _, v := range spec.Verbs {
		if u, ok := Ops[v.Name]; ok && u != v.Usage {
			panic("engine.Register: verb " + v.Name + " of model " + spec.Name + " clashes with another verb")
		}
		Ops[v.Name] = v.Usage
	}
	sp := spec
	specs[spec.Name] = &sp
	ModelNames = ModelNames[:0:0]
	for _, s := range registered() {
		ModelNames = append(ModelNames, s.Name)
	}
}

// RegisterModel sets the factory of model name: it replaces a registered
// model's factory (a test's stand-in keeps the real model's detection,
// settings and verbs), or registers a bare model otherwise. Models
// register with Register.
func RegisterModel(name string, f Factory) {
	if sp, ok := specs[name]; ok {
		cp := *sp
		cp.New = f
		specs[name] = &cp
		return
	}
	Register(ModelSpec{Name: name, Order: len(specs) + 1, New: f})
}

// registered returns the specs in Order (then name).
func registered() []*ModelSpec {
	out := make([]*ModelSpec, 0, len(specs))
	for _, s := range specs {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Order != out[j].Order {
			return out[i].Order < out[j].Order
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// RegisteredModels lists the models linked in.
func RegisteredModels() []string {
	return append([]string(nil), ModelNames...)
}

func knownModel(name string) bool {
	_, ok := specs[name]
	return ok
}

func newModel(h *Host) (Model, error) {
	sp, ok := specs[h.Game.Model]
	if !ok {
		return nil, fmt.Errorf("model %q is not available in this build", h.Game.Model)
	}
	return sp.New(h)
}

// modelSpec is the registration of the session's model (nil if none).
func (s *Session) modelSpec() *ModelSpec {
	if s.game == nil {
		return nil
	}
	return specs[s.game.Model]
}
