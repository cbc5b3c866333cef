package remote

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"modscope/engine"
	"modscope/engine/record"
)

// Bounds of what crosses the process boundary (containment.md): every
// string an event carries is cut, and the parent reads no line longer than
// maxLine, so a folder that sends a 4 MB message name in a loop cannot fill
// the window's memory.
const (
	maxWireString = 64 << 10 // a text, a message or a traceback
	maxWireName   = 1 << 10  // a name: message, context, step, file, where
	maxWireArgs   = 32       // a message's arguments kept
	maxWireErrors = 100      // a log entry's error lines kept
	maxLine       = 1 << 30  // one reply line (a whole report, bounded by the engine)
)

// capString cuts at a character start so that the JSON stays the same text.
func capString(s string, n int) string { return record.LimitString(s, n) }

// capEvent returns a copy of e with every string bounded.
func capEvent(e engine.Event) engine.Event {
	e.Context = capString(e.Context, maxWireName)
	e.Step = capString(e.Step, maxWireName)
	e.Text = capString(e.Text, maxWireString)
	e.Where = capString(e.Where, maxWireName)
	e.Level = capString(e.Level, maxWireName)
	if f := e.File; f != nil {
		cp := *f
		cp.Path, cp.Context, cp.Step = capString(cp.Path, maxWireName), capString(cp.Context, maxWireName), capString(cp.Step, maxWireName)
		cp.Error = capString(cp.Error, maxWireString)
		e.File = &cp
	}
	if r := e.Error; r != nil {
		cp := *r
		cp.Context, cp.Step, cp.File = capString(cp.Context, maxWireName), capString(cp.Step, maxWireName), capString(cp.File, maxWireName)
		cp.Message, cp.Traceback = capString(cp.Message, maxWireString), capString(cp.Traceback, maxWireString)
		e.Error = &cp
	}
	if m := e.Message; m != nil {
		cp := *m
		cp.Name, cp.Context, cp.Step, cp.Target = capString(cp.Name, maxWireName), capString(cp.Context, maxWireName), capString(cp.Step, maxWireName), capString(cp.Target, maxWireName)
		args := cp.Args
		if len(args) > maxWireArgs {
			args = args[:maxWireArgs]
		}
		cp.Args = make([]string, len(args))
		for i, a := range args {
			cp.Args[i] = capString(a, maxWireName)
		}
		if len(cp.Args) == 0 {
			cp.Args = nil
		}
		e.Message = &cp
	}
	if l := e.Log; l != nil {
		cp := *l
		cp.Name, cp.Context = capString(cp.Name, maxWireName), capString(cp.Context, maxWireName)
		errs := cp.Errors
		if len(errs) > maxWireErrors {
			errs = append(errs[:maxWireErrors:maxWireErrors], fmt.Sprintf("… and %d more errors", len(cp.Errors)-maxWireErrors))
		}
		cp.Errors = make([]string, len(errs))
		for i, s := range errs {
			cp.Errors[i] = capString(s, maxWireString)
		}
		if len(cp.Errors) == 0 {
			cp.Errors = nil
		}
		e.Log = &cp
	}
	return e
}

// capResult bounds what an answer to a command carries as text.
func capResult(r engine.Result) engine.Result {
	r.Error = capString(r.Error, maxWireString)
	r.Result = capString(r.Result, 1<<20)
	return r
}

var errLineTooLong = errors.New("a line longer than the limit")

// readLine reads one line of at most max bytes (without its newline).
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) > max+1 {
			return nil, fmt.Errorf("%w (%d bytes)", errLineTooLong, max)
		}
		line = append(line, chunk...)
		if err == nil {
			return line[:len(line)-1], nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			if len(line) > 0 && errors.Is(err, io.EOF) {
				return line, nil
			}
			return nil, err
		}
	}
}
