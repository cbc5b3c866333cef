package remote

import (
	"fmt"
	"sort"
	"time"

	"modscope/engine"
	"modscope/engine/record"
)

// shadow follows the child's events with the recorder engine.Session
// uses (engine/record), so that after the child has died the parent
// still has the report and the event log up to the death, and knows what
// was running.
type shadow struct {
	inf   openInfo
	rec   *record.Recorder
	since time.Time // when the running step began
	start time.Time

	files  []runningFile        // files running now, innermost last
	ctx    string               // the context of the latest event
	states map[string]string    // context -> latest state from events
	last   *engine.Report       // the latest report the child sent
	infos  []engine.ContextInfo // the latest contexts the child sent
	order  map[string]int       // context name -> first seen
}

type runningFile struct{ path, ctx, step string }

// newShadow starts following a child that opened info's folder; keep
// keeps the records across a reset, as the child's session does
// (engine.Options.KeepReportOnReset).
func newShadow(info openInfo, keep bool) *shadow {
	return &shadow{inf: info, rec: record.New(keep), start: time.Now(),
		states: map[string]string{}, order: map[string]int{}}
}

func (sh *shadow) info() openInfo { return sh.inf }

// apply follows one event: the recorder records it, the shadow keeps
// what runs now and the contexts' states.
func (sh *shadow) apply(e engine.Event) {
	sh.rec.Apply(e)
	if e.Context != "" {
		sh.ctx = e.Context
	}
	switch e.Kind {
	case engine.EventStepBegin:
		sh.since = time.Now()
		sh.files = nil
	case engine.EventFileBegin:
		sh.files = append(sh.files, runningFile{path: e.Text, ctx: e.Context, step: e.Step})
	case engine.EventFile:
		if e.File == nil {
			return
		}
		for i := len(sh.files) - 1; i >= 0; i-- {
			if sh.files[i].path == e.File.Path {
				sh.files = sh.files[:i]
				break
			}
		}
	case engine.EventContext:
		if e.Context == "" && e.Text == "reset" {
			sh.files, sh.last, sh.infos = nil, nil, nil
			sh.states, sh.order = map[string]string{}, map[string]int{}
			sh.start = time.Now()
			return
		}
		if e.Context != "" {
			if _, ok := sh.order[e.Context]; !ok {
				sh.order[e.Context] = len(sh.order)
			}
			sh.states[e.Context] = e.Text
		}
	case engine.EventStep:
		sh.files = nil
	}
}

// running says what runs now: the innermost file, its context and step.
func (sh *shadow) running() (file, ctx, step string) {
	if n := len(sh.files); n > 0 {
		f := sh.files[n-1]
		file, ctx, step = f.path, f.ctx, f.step
	}
	if name, ok := sh.rec.Running(); ok {
		step = name
	}
	if ctx == "" {
		ctx = sh.ctx
	}
	return file, ctx, step
}

// died records the death as an error of what was running, as a failed
// run of the file that was running, and ends the step it happened in; it
// returns the events that say so.
func (sh *shadow) died(d *Death) []engine.Event {
	rec := engine.ErrorRecord{Context: d.Context, Step: d.Step, File: d.File, Message: d.Err}
	evs := []engine.Event{}
	if d.File != "" {
		run := engine.FileRun{Path: d.File, Context: d.Context, Step: d.Step, Ms: msSince(sh.since), Error: d.Err}
		evs = append(evs, engine.Event{Kind: engine.EventFile, Context: d.Context, Step: d.Step, File: &run})
	}
	evs = append(evs, engine.Event{Kind: engine.EventError, Context: d.Context, Step: d.Step, Error: &rec})
	for _, e := range evs {
		sh.apply(e)
	}
	sh.rec.Cut(msSince(sh.since))
	sh.files = nil
	return evs
}

func msSince(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(time.Since(t).Microseconds()) / 1000
}

// contexts are the contexts as last known; dead ones when gone is set.
func (sh *shadow) contexts(gone bool) []engine.ContextInfo {
	var out []engine.ContextInfo
	known := map[string]bool{}
	for _, c := range sh.infos {
		known[c.Name] = true
		if s, ok := sh.states[c.Name]; ok {
			c.State = s
		}
		out = append(out, c)
	}
	var more []string
	for name, state := range sh.states {
		if !known[name] && state != engine.StateUnloaded {
			more = append(more, name)
		}
	}
	sort.Slice(more, func(i, j int) bool { return sh.order[more[i]] < sh.order[more[j]] })
	for _, name := range more {
		out = append(out, engine.ContextInfo{Name: name, Model: sh.inf.Model, State: sh.states[name]})
	}
	if gone {
		for i := range out {
			out[i].State = engine.StateUnloaded
		}
	}
	return out
}

// setContexts keeps the contexts the child sent; their states replace
// what the events said.
func (sh *shadow) setContexts(infos []engine.ContextInfo) {
	sh.infos = append([]engine.ContextInfo(nil), infos...)
	for _, c := range infos {
		if _, ok := sh.order[c.Name]; !ok {
			sh.order[c.Name] = len(sh.order)
		}
		sh.states[c.Name] = c.State
	}
}

// setReport keeps the latest report the child sent.
func (sh *shadow) setReport(r engine.Report) {
	cp := r
	sh.last = &cp
	sh.inf = openInfo{Model: r.Model, Folder: r.Folder, Mode: r.Mode}
	sh.setContexts(r.Contexts)
}

// report is the report as far as the parent knows it (after the child
// died): what the events said, completed by the latest report the child
// sent (globals of the steps it had seen, handlers, classes, stubs). The
// contexts are listed unloaded when died is set, not at all otherwise (a
// closed session has none).
func (sh *shadow) report(died bool) engine.Report {
	rr := sh.rec.Records()
	r := engine.Report{Model: sh.inf.Model, Folder: sh.inf.Folder, Mode: sh.inf.Mode,
		Steps: rr.Steps, Files: rr.Files, Errors: rr.Errors, Messages: rr.Messages, Events: rr.Events, Output: rr.Output}
	r.Handlers = map[string]int{}
	r.Stubs = []engine.StubRecord{}
	if l := sh.last; l != nil {
		for i := range r.Steps {
			if i < len(l.Steps) && l.Steps[i].Name == r.Steps[i].Name {
				fatal := r.Steps[i].Fatal
				r.Steps[i] = l.Steps[i]
				r.Steps[i].Fatal = r.Steps[i].Fatal || fatal
			}
		}
		for k, v := range l.Handlers {
			r.Handlers[k] = v
		}
		r.Classes = l.Classes
		r.Stubs = append(r.Stubs, l.Stubs...)
	}
	r.Contexts = nil
	if died {
		r.Contexts = sh.contexts(true)
	}
	if r.Contexts == nil {
		r.Contexts = []engine.ContextInfo{}
	}
	r.Ms = msSince(sh.start)
	return r
}

// logCopy returns the event log.
func (sh *shadow) logCopy() []engine.LogEntry { return sh.rec.Log() }

// events are the event-script results the parent played (it plays a
// script line by line, so they are its own records, not the child's).
func (sh *shadow) events() []engine.EventResult { return sh.rec.Records().Events }

// where renders what was running for a death message.
func where(file, step, command string) string {
	switch {
	case file != "" && step != "":
		return fmt.Sprintf("while running %s in step %q", file, step)
	case file != "":
		return "while running " + file
	case step != "":
		return fmt.Sprintf("while running step %q", step)
	case command != "":
		return fmt.Sprintf("while running %q", command)
	}
	return "between commands"
}
