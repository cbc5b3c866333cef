package record

import (
	"fmt"
	"strings"
	"testing"
)

// play feeds a step or command with the given events to r.
func play(r *Recorder, name, kind string, evs ...Event) {
	r.Apply(BeginEvent(name, kind, kind))
	for _, e := range evs {
		r.Apply(e)
	}
	if end, ok := r.EndEvent(1.5, ""); ok {
		r.Apply(end)
	}
}

func file(path, parent string, ok bool) Event {
	return Event{Kind: EventFile, File: &FileRun{Path: path, Context: "main", OK: ok, Parent: parent}}
}

func TestRecorder(t *testing.T) {
	tests := []struct {
		name  string
		run   func(r *Recorder)
		check func(t *testing.T, rec Records, log []LogEntry)
	}{
		{
			name: "a step lists every file it ran, a required one naming its parent",
			run: func(r *Recorder) {
				play(r, "Server context", "step", file("lib/util.lua", "server.lua", true), file("server.lua", "", true))
			},
			check: func(t *testing.T, rec Records, log []LogEntry) {
				if len(rec.Steps) != 1 || len(rec.Steps[0].Files) != 2 || rec.Steps[0].Files[0].Parent != "server.lua" {
					t.Fatalf("steps = %+v", rec.Steps)
				}
				if rec.Files.OK != 2 || len(log) != 1 || log[0].Files != 2 || !log[0].OK || log[0].Seq != 1 {
					t.Errorf("files = %+v, log = %+v", rec.Files, log)
				}
			},
		},
		{
			name: "a command that ran no file is logged, not listed",
			run: func(r *Recorder) {
				play(r, "msg Ping", "msg", Event{Kind: EventMessage, Message: &MessageRecord{Name: "Ping", Handlers: 2}})
			},
			check: func(t *testing.T, rec Records, log []LogEntry) {
				if len(rec.Steps) != 0 || len(rec.Messages) != 1 || rec.Messages[0].Step != "msg Ping" {
					t.Errorf("steps = %+v, messages = %+v", rec.Steps, rec.Messages)
				}
				if len(log) != 1 || log[0].Kind != "msg" || log[0].Handlers != 2 {
					t.Errorf("log = %+v", log)
				}
			},
		},
		{
			name: "a step with an error logs it as file:line: message",
			run: func(r *Recorder) {
				play(r, "Lua", "step", file("a.lua", "", false),
					Event{Kind: EventError, Error: &ErrorRecord{File: "a.lua", Line: 3, Message: "boom"}})
			},
			check: func(t *testing.T, rec Records, log []LogEntry) {
				if rec.Files.Failed != 1 || rec.Steps[0].Errors != 1 || len(rec.Errors) != 1 {
					t.Errorf("records = %+v", rec)
				}
				if len(log) != 1 || log[0].OK || log[0].Errors[0] != "a.lua:3: boom" {
					t.Errorf("log = %+v", log)
				}
			},
		},
		{
			name: "errors past the bound are counted once, then dropped",
			run: func(r *Recorder) {
				for i := 0; i < MaxMessageRecords+5; i++ {
					r.Apply(Event{Kind: EventError, Error: &ErrorRecord{Message: "e"}})
				}
			},
			check: func(t *testing.T, rec Records, _ []LogEntry) {
				if len(rec.Errors) != MaxMessageRecords+1 || !strings.HasPrefix(rec.Errors[MaxMessageRecords].Message, "more than") {
					t.Errorf("%d errors, last %q", len(rec.Errors), rec.Errors[len(rec.Errors)-1].Message)
				}
			},
		},
		{
			name: "messages past the bound add one error",
			run: func(r *Recorder) {
				for i := 0; i < MaxMessageRecords+5; i++ {
					r.Apply(Event{Kind: EventMessage, Message: &MessageRecord{Name: "m"}})
				}
			},
			check: func(t *testing.T, rec Records, _ []LogEntry) {
				if len(rec.Messages) != MaxMessageRecords || len(rec.Errors) != 1 {
					t.Errorf("%d messages, %d errors", len(rec.Messages), len(rec.Errors))
				}
			},
		},
		{
			name: "output past the line bound is dropped",
			run: func(r *Recorder) {
				for i := 0; i < MaxOutputLines+5; i++ {
					r.Apply(Event{Kind: EventOutput, Text: fmt.Sprint(i)})
				}
			},
			check: func(t *testing.T, rec Records, _ []LogEntry) {
				if len(rec.Output) != MaxOutputLines {
					t.Errorf("%d output lines", len(rec.Output))
				}
			},
		},
		{
			name: "a reset forgets the records and the log",
			run: func(r *Recorder) {
				play(r, "Lua", "step", file("a.lua", "", true))
				r.Apply(ResetEvent())
			},
			check: func(t *testing.T, rec Records, log []LogEntry) {
				if len(rec.Steps)+rec.Files.OK+len(log) != 0 {
					t.Errorf("records = %+v, log = %+v", rec, log)
				}
			},
		},
		{
			name: "a script's results survive a reset inside it",
			run: func(r *Recorder) {
				r.Apply(ResetEvent())
				r.AddEvents([]EventResult{{Line: 1, Event: "step", OK: true}, {Line: 2, Event: "reset", OK: true}})
			},
			check: func(t *testing.T, rec Records, _ []LogEntry) {
				if len(rec.Events) != 2 {
					t.Errorf("events = %+v", rec.Events)
				}
			},
		},
		{
			name: "a step cut by a death is listed with what it recorded",
			run: func(r *Recorder) {
				r.Apply(BeginEvent("Lua", "step", "step"))
				r.Apply(file("a.lua", "", true))
				r.Cut(7)
			},
			check: func(t *testing.T, rec Records, log []LogEntry) {
				if len(rec.Steps) != 1 || rec.Steps[0].Ms != 7 || len(rec.Steps[0].Files) != 1 || len(log) != 0 {
					t.Errorf("steps = %+v, log = %+v", rec.Steps, log)
				}
			},
		},
		{
			name: "lists are empty rather than nil",
			run:  func(*Recorder) {},
			check: func(t *testing.T, rec Records, _ []LogEntry) {
				if rec.Steps == nil || rec.Errors == nil || rec.Messages == nil || rec.Events == nil || rec.Output == nil {
					t.Errorf("records = %#v", rec)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := New(false)
			tc.run(r)
			tc.check(t, r.Records(), r.Log())
		})
	}
}

func TestRecorderKeepsRecordsOnReset(t *testing.T) {
	r := New(true)
	play(r, "Lua", "step", file("a.lua", "", true))
	r.Apply(ResetEvent())
	play(r, "Lua", "step", file("a.lua", "", true))
	rec := r.Records()
	if len(rec.Steps) != 2 || rec.Files.OK != 2 {
		t.Errorf("records = %+v", rec)
	}
	if log := r.Log(); len(log) != 1 || log[0].Seq != 2 {
		t.Errorf("log = %+v (a reset starts the log afresh, the sequence goes on)", log)
	}
}
