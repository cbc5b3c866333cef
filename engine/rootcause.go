package engine

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// Root causes. Every error record gets an ID and a Cause: "root" when it is
// a problem of its own, or the ID of the error it follows from (the failure
// of the file that should have defined a name, the error that kept a parent
// class from being built) or "stub:NAME" when it follows from a stand-in.

// stubState is a context's stub-mode bookkeeping (owner goroutine).
type stubState struct {
	cache    map[string]*lua.LUserData
	mt       *lua.LTable
	lastStub string
	lastErr  string // ID of the last error recorded
	// names that a failed file defines statically (and did not get to)
	failedDefs map[string]failedDef
	// "file:line" where such a name was read as nil -> its definition
	nilReads map[string]failedDef
	// class name -> ID of the error that kept it from being built
	classErr map[string]string
	// "file:line:message" of each error -> the ID of its first occurrence
	seen map[string]string
	// builtins wrapped to accept stand-ins, by the original (stubbuiltins.go)
	wrapped map[*lua.LFunction]*lua.LFunction
	// the lines of the last file an error was looked up in
	srcFile  string
	srcLines []string
	// free names the game's own files read but never define (engine
	// globals), built on first need (stubglobals.go)
	engineNames map[string]bool
}

// failedDef is a name a failed file defines at file:line; cause is the ID
// of the error the file failed with.
type failedDef struct {
	name  string
	where string
	cause string
}

// followsFailure makes e follow from the failure of the file that defines
// d.name, and says so in its message.
func followsFailure(e *ErrorRecord, d failedDef) {
	e.Cause = d.cause
	e.Message += " (" + d.name + " is defined at " + d.where + ", which failed before it got there)"
}

func (c *Lua) ss() *stubState {
	if c.stand == nil {
		c.stand = &stubState{cache: map[string]*lua.LUserData{}, failedDefs: map[string]failedDef{},
			nilReads: map[string]failedDef{}, classErr: map[string]string{}, seen: map[string]string{}}
	}
	return c.stand
}

// CauseRoot marks an error that is a problem of its own.
const CauseRoot = "root"

// errSeqs numbers error IDs per game and context name, so that IDs stay
// unique when a context is made again by a reload, and are the same from
// run to run.
var errSeqs sync.Map // *Game -> *errSeq

type errSeq struct {
	mu sync.Mutex
	n  map[string]int
}

func (g *Game) nextErrorID(ctx string) string {
	v, _ := errSeqs.LoadOrStore(g, &errSeq{n: map[string]int{}})
	s := v.(*errSeq)
	s.mu.Lock()
	s.n[ctx]++
	n := s.n[ctx]
	s.mu.Unlock()
	return fmt.Sprintf("%s#%d", ctx, n)
}

// classify gives an error record its ID and, unless the recorder already
// knew it, its cause.
func (c *Lua) classify(e *ErrorRecord) {
	st := c.ss()
	if e.ID == "" {
		e.ID = c.game.nextErrorID(c.Name)
	}
	st.lastErr = e.ID
	if e.Cause != "" {
		return
	}
	e.Cause = CauseRoot
	// the same error at the same place again (a handler that fails on every
	// message) follows from the first; in a core helper, the place is the
	// code that called it
	key := fmt.Sprintf("%s:%d:%s", e.File, e.Line, e.Message)
	if strings.HasPrefix(e.File, "[") {
		for _, m := range tbFrame.FindAllStringSubmatch(e.Traceback, 8) {
			if !strings.HasPrefix(m[1], "[") {
				key += "|" + m[1] + ":" + m[2]
				break
			}
		}
	}
	if first, ok := st.seen[key]; ok {
		e.Cause = first
		return
	}
	if len(st.seen) < 10000 {
		st.seen[key] = e.ID
	}
	if len(st.nilReads) > 0 {
		if d, ok := st.nilReads[fmt.Sprintf("%s:%d", e.File, e.Line)]; ok {
			followsFailure(e, d)
			return
		}
		for _, m := range tbFrame.FindAllStringSubmatch(e.Traceback, 8) {
			if d, ok := st.nilReads[m[1]+":"+m[2]]; ok {
				followsFailure(e, d)
				return
			}
		}
	}
	if d, ok := c.causeFromSource(e); ok {
		followsFailure(e, d)
		return
	}
	if st.lastStub != "" && c.game.Stubs() && (strings.Contains(e.Message, "userdata") || strings.Contains(e.Message, "stub:")) {
		e.Cause = "stub:" + stubRoot(st.lastStub)
	}
}

// noteFailedFile is told that the file rel failed (its error was the last
// recorded): the names it defines at its top level and that are still
// undefined are not engine names; a read of one is nil, and the error that
// follows names this failure as its cause.
func (c *Lua) noteFailedFile(rel string) {
	if !c.game.Stubs() {
		return
	}
	st := c.ss()
	id := st.lastErr
	src, err := c.game.ReadFile(rel)
	if err != nil || id == "" {
		return
	}
	for name, line := range staticDefs(src) {
		if c.resolvePath(name) != lua.LNil {
			continue
		}
		if _, have := st.failedDefs[name]; !have {
			st.failedDefs[name] = failedDef{name: name, where: fmt.Sprintf("%s:%d", rel, line), cause: id}
		}
	}
}

// definedByFailed reports whether name is defined by a file that failed
// before defining it; the read at the caller's line is remembered.
func (c *Lua) definedByFailed(name string) (failedDef, bool) {
	if c.stand == nil || len(c.stand.failedDefs) == 0 {
		return failedDef{}, false
	}
	d, ok := c.stand.failedDefs[name]
	if ok {
		if w := c.where(1); w != "" {
			c.stand.nilReads[w] = d
		}
	}
	return d, ok
}

// Static definitions: what a Lua file visibly defines — `function Name(`
// and `function A.B.c(` anywhere, `Name =` and `A.B =` at the top level.
var (
	defFunction = regexp.MustCompile(`^\s*function\s+([A-Za-z_][A-Za-z0-9_]*(?:[.:][A-Za-z_][A-Za-z0-9_]*)*)\s*\(`)
	defAssign   = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*=[^=]`)
	defClass    = regexp.MustCompile(`^DefineClass\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)\s*=|\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["'])`)
	defVar      = regexp.MustCompile(`^(?:GlobalVar|MapVar|PersistableGlobals\.)\s*\(?\s*["']?([A-Za-z_][A-Za-z0-9_]*)`)
)

// staticDefs lists the globals a file defines at its top level (lines that
// start in the first column), with the line of the first definition.
func staticDefs(src []byte) map[string]int {
	out := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(b) == 0 || b[0] == '-' {
			continue
		}
		if b[0] == ' ' || b[0] == '\t' {
			if m := defFunction.FindSubmatch(b); m != nil && !luaKeywords[string(m[1])] {
				name := strings.ReplaceAll(string(m[1]), ":", ".")
				if _, ok := out[name]; !ok {
					out[name] = line
				}
			}
			continue
		}
		var name string
		if m := defFunction.FindSubmatch(b); m != nil {
			name = strings.ReplaceAll(string(m[1]), ":", ".")
		} else if m := defClass.FindSubmatch(b); m != nil {
			name = string(m[1]) + string(m[2])
		} else if m := defVar.FindSubmatch(b); m != nil {
			name = string(m[1])
		} else if m := defAssign.FindSubmatch(b); m != nil {
			name = string(m[1])
		}
		if name == "" || luaKeywords[name] {
			continue
		}
		if _, ok := out[name]; !ok {
			out[name] = line
		}
	}
	return out
}

var luaKeywords = map[string]bool{"and": true, "break": true, "do": true, "else": true, "elseif": true,
	"end": true, "false": true, "for": true, "function": true, "if": true, "in": true, "local": true,
	"nil": true, "not": true, "or": true, "repeat": true, "return": true, "then": true, "true": true,
	"until": true, "while": true, "goto": true}

// MissingParent is the class system's question when class name (declared
// at where) lists parent, which no code declares. In stub mode the parent
// is an engine class: a recorded stand-in, and the class is built with what
// it has (true). Otherwise — strict mode, or a parent that a failed file of
// the folder declares — it is an error (false), caused by that failure.
// Owner goroutine.
func (c *Lua) MissingParent(name, parent, where string) bool {
	file, line := SplitWhere(where)
	msg := "class " + name + ": parent class " + parent + " is not defined"
	if !c.game.Stubs() {
		c.AddError(ErrorRecord{File: file, Line: line, Message: msg})
		return false
	}
	if d, ok := c.ss().failedDefs[parent]; ok {
		c.AddError(ErrorRecord{File: file, Line: line, Cause: d.cause,
			Message: msg + " (it is declared at " + d.where + ", which failed before it got there)"})
		c.ss().classErr[name] = c.ss().lastErr
		return false
	}
	if id, ok := c.ss().classErr[parent]; ok {
		c.AddError(ErrorRecord{File: file, Line: line, Cause: id, Message: msg + " (it could not be built)"})
		c.ss().classErr[name] = c.ss().lastErr
		return false
	}
	r := c.stubRecord(parent, StubClass)
	if r.Kind == "" {
		return true // past the record limit
	}
	if r.Kind != StubClass || len(r.Classes) == 0 {
		r.Kind, r.First = StubClass, where
	}
	r.Reads++
	if len(r.Classes) < 50 {
		r.Classes = append(r.Classes, name)
	}
	return true
}

// StubMember answers a read of a member that a class with an engine
// (stand-in) parent does not have: the parent's member is a stand-in,
// unless the code only tests it. Owner goroutine.
func (c *Lua) StubMember(L *lua.LState, parent string, key lua.LValue) lua.LValue {
	if !c.game.Stubs() {
		return lua.LNil
	}
	if fn, _, ok := callerFrame(L); ok && strings.HasPrefix(fn.Proto.SourceName, "[core]") {
		// the class system's own look-ups (new() asking for Init) are not
		// the code's: a stand-in, unrecorded
		if readIsTested(L) {
			return lua.LNil
		}
		return c.stubOf(stubKey(parent, key), "")
	}
	return c.stubFor(L, stubKey(parent, key), StubClass)
}

// SplitWhere splits "file:line" (a Where) into the file and the line; a
// text without a line (nothing but digits after its last colon, and a file
// before it) is all file, line 0: "f.lua:12abc" and ":12" are not
// positions.
func SplitWhere(w string) (string, int) {
	i := strings.LastIndexByte(w, ':')
	if i <= 0 {
		return w, 0
	}
	n, err := strconv.Atoi(w[i+1:])
	if err != nil {
		return w, 0
	}
	return w[:i], n
}

// resolvePath reads a global or a dotted path of plain tables ("A.B.c")
// without running any metamethod; nil if any step is missing.
func (c *Lua) resolvePath(path string) lua.LValue {
	var v lua.LValue = c.globals.store
	for _, part := range strings.Split(path, ".") {
		t, ok := v.(*lua.LTable)
		if !ok {
			return lua.LNil
		}
		v = t.RawGetString(part)
		if v == lua.LNil {
			return lua.LNil
		}
	}
	return v
}

// luaPath matches names and dotted paths in a line of Lua (A.B:c counts as
// A.B.c).
var luaPath = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*(?:\s*[.:]\s*[A-Za-z_][A-Za-z0-9_]*)*`)

// causeFromSource looks at the lines an error happened on (its position and
// the first frames of its traceback): when one of them uses a name or path
// that a failed file defines, that failure is the error's cause.
func (c *Lua) causeFromSource(e *ErrorRecord) (failedDef, bool) {
	st := c.ss()
	if len(st.failedDefs) == 0 || !c.game.Stubs() {
		return failedDef{}, false
	}
	type pos struct {
		file string
		line int
	}
	places := []pos{{e.File, e.Line}}
	for _, m := range tbFrame.FindAllStringSubmatch(e.Traceback, 6) {
		var n int
		fmt.Sscanf(m[2], "%d", &n)
		places = append(places, pos{m[1], n})
	}
	for _, p := range places {
		if p.line <= 0 || p.file == "" || strings.HasPrefix(p.file, "[") {
			continue
		}
		text := c.sourceLine(p.file, p.line)
		for _, m := range luaPath.FindAllString(text, 32) {
			path := strings.Join(strings.FieldsFunc(m, func(r rune) bool { return r == '.' || r == ':' || r == ' ' || r == '\t' }), ".")
			for {
				if d, ok := st.failedDefs[path]; ok && d.cause != e.ID {
					return d, true
				}
				i := strings.LastIndexByte(path, '.')
				if i < 0 {
					break
				}
				path = path[:i]
			}
		}
	}
	return failedDef{}, false
}

// sourceLine returns line n of a file of the folder ("" if unreadable).
func (c *Lua) sourceLine(file string, n int) string {
	st := c.ss()
	if st.srcFile != file {
		src, err := c.game.ReadFile(file)
		if err != nil {
			return ""
		}
		st.srcFile, st.srcLines = file, strings.Split(string(src), "\n")
	}
	if n > len(st.srcLines) {
		return ""
	}
	return st.srcLines[n-1]
}
