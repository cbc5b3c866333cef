// Package record turns the engine's event stream into the report's
// records and the event log: the steps and commands that ran with every
// file each ran (a file loaded by another names it as its Parent), the
// errors, messages, output and event-script results, within the report's
// bounds (docs/containment.md).
//
// One Recorder serves both sides of the engine: engine.Session feeds it
// the events of its in-process run, and the parent of a child-process
// engine (engine/remote) feeds it the child's events, so that it still
// has the report when the child dies. A Recorder is not safe for
// concurrent use: its owner calls it under its own lock.
package record

import "fmt"

// MaxMessageRecords bounds the messages a report lists: a loop sending
// messages must not fill the memory with their records. Errors are
// bounded the same.
const MaxMessageRecords = 100000

// MaxReportSectionBytes bounds the text of each part of a report (output,
// errors, messages), so that the whole report stays a few hundred MiB at
// most, whatever the folder does (containment.md): past it, output lines
// are dropped, errors lose their tracebacks, messages their arguments.
const MaxReportSectionBytes = 32 << 20

// MaxOutputLines bounds the output lines a report lists.
const MaxOutputLines = 10000

// maxLogErrors bounds the error lines of one log entry.
const maxLogErrors = 1000

// Records are what a run recorded, in the report's shape (every list
// non-nil, so that the JSON says [] rather than null).
type Records struct {
	Steps    []StepReport
	Files    FileCounts
	Errors   []ErrorRecord
	Messages []MessageRecord
	Events   []EventResult
	Output   []OutputLine
}

// Recorder collects the records of a run from its events.
type Recorder struct {
	keepOnReset bool
	rec         Records
	log         []LogEntry
	seq         int
	cur         *StepReport // the step or command running now
	curLog      *LogEntry   // its log entry so far
	msgsLost    int         // message records past MaxMessageRecords
	bytes       struct{ output, errs, msgs int }
}

// New returns an empty Recorder. keepOnReset keeps the records (not the
// log) across a reset, as a headless run reports everything that ran.
func New(keepOnReset bool) *Recorder { return &Recorder{keepOnReset: keepOnReset} }

// BeginEvent is the event that says a step or command begins: kind is
// "step" for a loading step, else the command's verb; text is the
// event-script line that replays it.
func BeginEvent(name, kind, text string) Event {
	return Event{Kind: EventStepBegin, Step: name, Log: &LogEntry{Kind: kind, Name: name, Text: text}}
}

// ResetEvent is the event that says the session started afresh.
func ResetEvent() Event { return Event{Kind: EventContext, Text: "reset"} }

// Apply records one event.
func (r *Recorder) Apply(e Event) {
	switch e.Kind {
	case EventStepBegin:
		r.begin(e)
	case EventFile:
		if e.File == nil {
			return
		}
		if e.File.OK {
			r.rec.Files.OK++
		} else {
			r.rec.Files.Failed++
		}
		if r.cur != nil {
			r.cur.Files = append(r.cur.Files, *e.File)
			r.curLog.Files++
		}
	case EventError:
		if e.Error == nil {
			return
		}
		if er := r.keepError(*e.Error); er != nil {
			r.rec.Errors = append(r.rec.Errors, *er)
		}
		if r.cur != nil {
			r.cur.Errors++
			if len(r.curLog.Errors) < maxLogErrors {
				r.curLog.Errors = append(r.curLog.Errors, limitString(FormatError(*e.Error), 4<<10))
			}
		}
	case EventMessage:
		if e.Message != nil {
			r.message(e.Context, *e.Message)
		}
	case EventOutput:
		if len(r.rec.Output) < MaxOutputLines && r.bytes.output+len(e.Text) <= MaxReportSectionBytes {
			r.bytes.output += len(e.Text)
			r.rec.Output = append(r.rec.Output, OutputLine{Context: e.Context, Where: e.Where, Level: e.Level, Text: e.Text})
		}
	case EventContext:
		if e.Context == "" && e.Text == "reset" {
			r.reset()
		}
	case EventStep:
		if e.Log != nil {
			r.end(*e.Log)
		}
	}
}

func (r *Recorder) begin(e Event) {
	kind, text := "step", ""
	if e.Log != nil {
		kind, text = e.Log.Kind, e.Log.Text
	}
	r.seq++
	r.cur = &StepReport{Name: e.Step, Kind: kind}
	r.curLog = &LogEntry{Seq: r.seq, Kind: kind, Name: e.Step, Text: text}
}

// end closes the running step with its log entry: a loading step is
// always listed, a command only when it ran a file.
func (r *Recorder) end(lg LogEntry) {
	r.log = append(r.log, lg)
	if st := r.cur; st != nil {
		st.Kind, st.Ms = lg.Kind, lg.Ms
		if st.Kind == "step" || len(st.Files) > 0 {
			fill(st)
			r.rec.Steps = append(r.rec.Steps, *st)
		}
	}
	r.cur, r.curLog = nil, nil
}

func (r *Recorder) reset() {
	r.log, r.cur, r.curLog = nil, nil, nil
	if r.keepOnReset {
		return
	}
	r.rec = Records{}
	r.msgsLost = 0
	r.bytes.output, r.bytes.errs, r.bytes.msgs = 0, 0, 0
}

// keepError returns what the report keeps of an error, or nil past
// MaxMessageRecords.
func (r *Recorder) keepError(e ErrorRecord) *ErrorRecord {
	switch n := len(r.rec.Errors); {
	case n > MaxMessageRecords:
		return nil
	case n == MaxMessageRecords:
		return &ErrorRecord{Context: e.Context, Step: e.Step,
			Message: fmt.Sprintf("more than %d errors: further ones are not listed in the report", MaxMessageRecords)}
	}
	e.File = limitString(e.File, 1<<10)
	if r.bytes.errs+len(e.Message)+len(e.Traceback) > MaxReportSectionBytes {
		e.Message, e.Traceback = limitString(e.Message, 512), ""
	}
	r.bytes.errs += len(e.Message) + len(e.Traceback)
	return &e
}

func (r *Recorder) message(ctx string, m MessageRecord) {
	m.Name = limitString(m.Name, 1<<10) // a 4 MB name sent in a loop
	if r.cur != nil {
		m.Step = r.cur.Name
		if len(r.cur.Messages) < MaxMessageRecords {
			r.cur.Messages = append(r.cur.Messages, m.Name)
		}
		r.curLog.Handlers += m.Handlers
	}
	if len(r.rec.Messages) >= MaxMessageRecords {
		if r.msgsLost++; r.msgsLost == 1 {
			r.rec.Errors = append(r.rec.Errors, ErrorRecord{Context: ctx, Step: m.Step,
				Message: fmt.Sprintf("more than %d messages sent: further ones are not listed in the report", MaxMessageRecords)})
		}
		return
	}
	r.bytes.msgs += len(m.Name) + len(m.Target)
	if len(m.Args) > 0 {
		args := m.Args[:min(len(m.Args), 8)]
		m.Args = make([]string, 0, len(args))
		for _, a := range args {
			if r.bytes.msgs > MaxReportSectionBytes {
				break // past the budget the arguments are left out
			}
			a = limitString(a, 256)
			r.bytes.msgs += len(a)
			m.Args = append(m.Args, a)
		}
	}
	r.rec.Messages = append(r.rec.Messages, m)
}

// SetGlobals records what the running step did to the globals (the
// session learns it from the contexts before the step ends).
func (r *Recorder) SetGlobals(added, changed, removed []string) {
	if r.cur != nil {
		r.cur.GlobalsAdded, r.cur.GlobalsChanged, r.cur.GlobalsRemoved = added, changed, removed
	}
}

// EndEvent is the event that ends the running step or command after ms
// milliseconds: its log entry, with cmdErr (the command's own failure)
// as its first error. It returns false when nothing is running.
func (r *Recorder) EndEvent(ms float64, cmdErr string) (Event, bool) {
	if r.cur == nil {
		return Event{}, false
	}
	lg := *r.curLog
	lg.Errors = append([]string(nil), lg.Errors...)
	lg.Ms = ms
	if cmdErr != "" {
		lg.Errors = append([]string{cmdErr}, lg.Errors...)
	}
	lg.OK = len(lg.Errors) == 0
	return Event{Kind: EventStep, Step: r.cur.Name, Log: &lg}, true
}

// Cut ends the running step without a log entry after ms milliseconds
// (the engine died in it): it is listed with what it recorded so far.
func (r *Recorder) Cut(ms float64) {
	if st := r.cur; st != nil {
		st.Ms = ms
		fill(st)
		r.rec.Steps = append(r.rec.Steps, *st)
	}
	r.cur, r.curLog = nil, nil
}

// Running returns the name of the step or command running now.
func (r *Recorder) Running() (string, bool) {
	if r.cur == nil {
		return "", false
	}
	return r.cur.Name, true
}

// MarkFatal marks the latest listed step as fatal (the load stops there).
func (r *Recorder) MarkFatal() {
	if n := len(r.rec.Steps); n > 0 {
		r.rec.Steps[n-1].Fatal = true
	}
}

// Last returns the latest listed step.
func (r *Recorder) Last() (StepReport, bool) {
	if n := len(r.rec.Steps); n > 0 {
		return r.rec.Steps[n-1], true
	}
	return StepReport{}, false
}

// AddEvents records the results of an event script. A script adds them
// when it ends, so that a reset inside it keeps the lines before it.
func (r *Recorder) AddEvents(res []EventResult) {
	r.rec.Events = append(r.rec.Events, res...)
}

// Records returns a copy of the records so far.
func (r *Recorder) Records() Records {
	return Records{
		Steps:    append([]StepReport{}, r.rec.Steps...),
		Files:    r.rec.Files,
		Errors:   append([]ErrorRecord{}, r.rec.Errors...),
		Messages: append([]MessageRecord{}, r.rec.Messages...),
		Events:   append([]EventResult{}, r.rec.Events...),
		Output:   append([]OutputLine{}, r.rec.Output...),
	}
}

// Log returns a copy of the event log so far.
func (r *Recorder) Log() []LogEntry { return append([]LogEntry(nil), r.log...) }

// LogLen is the number of entries in the event log.
func (r *Recorder) LogLen() int { return len(r.log) }

func fill(st *StepReport) {
	if st.GlobalsAdded == nil {
		st.GlobalsAdded = []string{}
	}
	if st.Messages == nil {
		st.Messages = []string{}
	}
	if st.Files == nil {
		st.Files = []FileRun{}
	}
}

// FormatError renders an error record as one line: file:line: message.
func FormatError(e ErrorRecord) string {
	switch {
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message)
	case e.File != "":
		return fmt.Sprintf("%s: %s", e.File, e.Message)
	}
	return e.Message
}

// LimitString cuts s to at most n bytes at the start of a character (so
// the text stays valid UTF-8 where it was), saying how many more there were.
func LimitString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i] + fmt.Sprintf("… (%d more bytes)", len(s)-i)
}

func limitString(s string, n int) string { return LimitString(s, n) }
