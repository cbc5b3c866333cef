package remote

import (
	"fmt"
	"sort"
	"time"

	"modscope/engine"
)

// shadow follows the child's events the way engine.Session collects them,
// so that after the child has died the parent still has the report and
// the event log up to the death, and knows what was running.
type shadow struct {
	rep   engine.Report
	cur   *engine.StepReport
	since time.Time // when cur began
	log   []engine.LogEntry
	start time.Time

	files  []runningFile        // files running now, innermost last
	ctx    string               // the context of the latest event
	states map[string]string    // context -> latest state from events
	last   *engine.Report       // the latest report the child sent
	infos  []engine.ContextInfo // the latest contexts the child sent
	order  map[string]int       // context name -> first seen
	events []engine.EventResult // event-script results the parent got
}

type runningFile struct{ path, ctx, step string }

func newShadow(info openInfo) *shadow {
	sh := &shadow{start: time.Now()}
	sh.reset(info)
	return sh
}

// reset starts afresh, as Session's open does (the folder's model and
// mode stay as they were known).
func (sh *shadow) reset(info openInfo) {
	sh.rep = engine.Report{Model: info.Model, Folder: info.Folder, Mode: info.Mode, Handlers: map[string]int{}}
	sh.cur, sh.log, sh.files, sh.last, sh.infos, sh.events = nil, nil, nil, nil, nil, nil
	sh.states, sh.order = map[string]string{}, map[string]int{}
	sh.start = time.Now()
}

func (sh *shadow) info() openInfo {
	return openInfo{Model: sh.rep.Model, Folder: sh.rep.Folder, Mode: sh.rep.Mode}
}

// apply follows one event (as Session's emit, begin and end collect it).
func (sh *shadow) apply(e engine.Event) {
	if e.Context != "" {
		sh.ctx = e.Context
	}
	switch e.Kind {
	case engine.EventStepBegin:
		sh.cur = &engine.StepReport{Name: e.Step, Kind: "step"}
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
		if e.File.OK {
			sh.rep.Files.OK++
		} else {
			sh.rep.Files.Failed++
		}
		if sh.cur != nil {
			sh.cur.Files = append(sh.cur.Files, *e.File)
		}
	case engine.EventError:
		if e.Error == nil {
			return
		}
		if len(sh.rep.Errors) < maxKeptRecords { // the parent bounds what it keeps
			sh.rep.Errors = append(sh.rep.Errors, *e.Error)
		}
		if sh.cur != nil {
			sh.cur.Errors++
		}
	case engine.EventMessage:
		if e.Message == nil {
			return
		}
		m := *e.Message
		if sh.cur != nil {
			m.Step = sh.cur.Name
			if len(sh.cur.Messages) < maxKeptRecords {
				sh.cur.Messages = append(sh.cur.Messages, m.Name)
			}
		}
		if len(sh.rep.Messages) < maxKeptRecords {
			sh.rep.Messages = append(sh.rep.Messages, m)
		}
	case engine.EventOutput:
		if len(sh.rep.Output) < 10000 {
			sh.rep.Output = append(sh.rep.Output, engine.OutputLine{Context: e.Context, Where: e.Where, Level: e.Level, Text: e.Text})
		}
	case engine.EventContext:
		if e.Context == "" && e.Text == "reset" {
			sh.reset(sh.info())
			return
		}
		if e.Context != "" {
			if _, ok := sh.order[e.Context]; !ok {
				sh.order[e.Context] = len(sh.order)
			}
			sh.states[e.Context] = e.Text
		}
	case engine.EventStep:
		if e.Log == nil {
			return
		}
		sh.log = append(sh.log, *e.Log)
		if st := sh.cur; st != nil {
			st.Kind, st.Ms = e.Log.Kind, e.Log.Ms
			if st.Kind == "step" || len(st.Files) > 0 {
				fill(st)
				sh.rep.Steps = append(sh.rep.Steps, *st)
			}
		}
		sh.cur, sh.files = nil, nil
	}
}

func fill(st *engine.StepReport) {
	if st.GlobalsAdded == nil {
		st.GlobalsAdded = []string{}
	}
	if st.Messages == nil {
		st.Messages = []string{}
	}
	if st.Files == nil {
		st.Files = []engine.FileRun{}
	}
}

// running says what runs now: the innermost file, its context and step.
func (sh *shadow) running() (file, ctx, step string) {
	if n := len(sh.files); n > 0 {
		f := sh.files[n-1]
		file, ctx, step = f.path, f.ctx, f.step
	}
	if sh.cur != nil {
		step = sh.cur.Name
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
	if st := sh.cur; st != nil {
		st.Ms = msSince(sh.since)
		fill(st)
		sh.rep.Steps = append(sh.rep.Steps, *st)
	}
	sh.cur, sh.files = nil, nil
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
		out = append(out, engine.ContextInfo{Name: name, Model: sh.rep.Model, State: sh.states[name]})
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
	sh.rep.Model, sh.rep.Folder, sh.rep.Mode = r.Model, r.Folder, r.Mode
	sh.setContexts(r.Contexts)
}

// report is the report as far as the parent knows it (after the child
// died): what the events said, completed by the latest report the child
// sent (globals of the steps it had seen, handlers, classes, stubs). The
// contexts are listed unloaded when died is set, not at all otherwise (a
// closed session has none).
func (sh *shadow) report(died bool) engine.Report {
	r := sh.rep
	r.Steps = append([]engine.StepReport{}, sh.rep.Steps...)
	r.Errors = append([]engine.ErrorRecord{}, sh.rep.Errors...)
	r.Messages = append([]engine.MessageRecord{}, sh.rep.Messages...)
	r.Output = append([]engine.OutputLine{}, sh.rep.Output...)
	r.Events = append([]engine.EventResult{}, sh.events...)
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
func (sh *shadow) logCopy() []engine.LogEntry {
	return append([]engine.LogEntry(nil), sh.log...)
}

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
