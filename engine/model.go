package engine

import (
	"fmt"
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
	c, err := h.Game.NewContext(name, h.Game.Model, key)
	if err != nil {
		return nil, err
	}
	c.Emit = h.emit
	h.emit(Event{Kind: EventContext, Context: name, Text: StateLoading})
	return c, nil
}

// Emit sends an event to the session.
func (h *Host) Emit(e Event) { h.emit(e) }

// Factory builds a model on an opened game folder.
type Factory func(h *Host) (Model, error)

var factories = map[string]Factory{}

// RegisterModel makes a model available to Open (called from the model
// packages' init; import modscope/engine/models for all of them).
func RegisterModel(name string, f Factory) { factories[name] = f }

// RegisteredModels lists the models linked in.
func RegisteredModels() []string {
	var out []string
	for n := range factories {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func newModel(h *Host) (Model, error) {
	f, ok := factories[h.Game.Model]
	if !ok {
		return nil, fmt.Errorf("model %q is not available in this build", h.Game.Model)
	}
	return f(h)
}
