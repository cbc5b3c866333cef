package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime/metrics"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"

	"modscope/engine/compilecache"
)

// Limits that keep hostile folders from taking the host down.
const (
	MaxSourceBytes = 16 << 20 // a Lua file larger than this is refused
	MaxNesting     = 180      // brackets/blocks nested deeper than this are refused
	MaxStringBytes = 64 << 20 // string.rep and friends may not build more
)

// The parts of a report's time bound that are not Lua calls
// (containment.md). Compiling is not under the watchdog, but its cost is
// bounded by the size of the source and by the checks before compiling
// (MaxNesting, MaxSyntaxDepth, MaxFoldWork): the slowest 16 MiB chunk found
// compiles in under 30 s on a 2-core machine. BoundConstant covers opening
// the folder, listing it, and writing the report.
const (
	MaxCompileTime = 30 * time.Second
	BoundConstant  = time.Minute
)

// bound returns the game's share of a report's time bound and its calls.
func (g *Game) bound() (time.Duration, int) {
	return time.Duration(g.budgetNs.Load()) + time.Duration(g.compiles.Load())*MaxCompileTime, int(g.calls.Load())
}

// DefaultTimeout is the watchdog limit when nothing else is set.
const DefaultTimeout = 5 * time.Second

// DefaultMemoryLimit is the heap size at which a running call is cancelled.
const DefaultMemoryLimit = 3 << 30

// Options are what the person chose on the command line or in the window;
// zero values defer to the folder's settings.
type Options struct {
	Model       string        // force a model
	Mode        string        // "stubs" or "strict"
	Timeout     time.Duration // watchdog limit
	MemoryLimit uint64        // heap bytes before a call is cancelled
	// KeepReportOnReset keeps what ran before a reset in the report (a
	// headless run reports the whole run); the window starts afresh.
	KeepReportOnReset bool
	// Skip lists files that are not run but failed with a reason: an
	// engine process restarted after a file killed it skips that file, and
	// the load goes on (containment.md).
	Skip []SkippedFile `json:",omitempty"`
}

// SkippedFile is a file of a context that fails without running.
type SkippedFile struct {
	Context string `json:"context"`
	File    string `json:"file"`
	Reason  string `json:"reason"`
}

// skipReason says whether the file rel of context ctx is to be skipped.
func (g *Game) skipReason(ctx, rel string) (string, bool) {
	for _, s := range g.opt.Skip {
		if s.File == rel && (s.Context == "" || s.Context == ctx) {
			return s.Reason, true
		}
	}
	return "", false
}

// Game is an opened game folder, shared by all its contexts.
type Game struct {
	Dir      string
	Model    string
	Mode     string
	Timeout  time.Duration
	Settings Settings
	Detected Detection

	root     *os.Root
	rootMu   sync.RWMutex // Close takes it: readers outside a command (Folder) hold it
	closed   bool         // under rootMu
	memLimit uint64
	opt      Options

	cc *compilecache.Cache // compiled chunks by content, in memory and on disk (engine/compilecache; compilecache.go)

	runMu    sync.Mutex
	runSet   map[*Lua]context.CancelCauseFunc // owners running a top-level call, and how to stop it (runMu)
	listErrs []ErrorRecord                    // folders that could not be listed (runMu)
	stopMem  chan struct{}
	// memHit is set when the heap watchdog stopped a call: the next call
	// collects first, so that the runaway's garbage does not stop it too.
	memHit atomic.Bool
	// calls counts top-level Lua calls, each bounded by CallBudget: the
	// report's time bound (containment.md).
	calls atomic.Int64
	// budgetNs sums those calls' budgets; compiles counts compiled chunks.
	budgetNs atomic.Int64
	compiles atomic.Int64

	chMu    sync.Mutex
	changed []*Context // contexts with global changes not yet collected
}

// takeChanged returns the contexts with global changes to collect.
func (g *Game) takeChanged() []*Context {
	g.chMu.Lock()
	defer g.chMu.Unlock()
	out := g.changed
	g.changed = nil
	return out
}

// OpenGame opens DIR, reads its settings and chooses its model.
func OpenGame(dir string, opt Options) (*Game, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open folder %s: %w", dir, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("open folder %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("open folder %s: not a folder", dir)
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("open folder %s: %w", dir, err)
	}
	s, err := loadSettings(root) // through the root: no link out (settings.go)
	if err != nil {
		root.Close()
		return nil, err
	}
	if opt.Model != "" {
		s.Model = opt.Model
	}
	model, det, err := chooseModel(root.FS(), abs, s) // detection through the root too
	if err != nil {
		root.Close()
		return nil, err
	}
	g := &Game{Dir: abs, Model: model, Settings: s, Detected: det, root: root, runSet: map[*Lua]context.CancelCauseFunc{}, opt: opt,
		Mode: ModeStubs, Timeout: DefaultTimeout, memLimit: DefaultMemoryLimit}
	if s.Mode != "" {
		g.Mode = s.Mode
	}
	if opt.Mode != "" {
		g.Mode = opt.Mode
	}
	g.Timeout = EffectiveTimeout(opt.Timeout, s) // a folder lowers it, never raises it
	if opt.MemoryLimit > 0 {
		g.memLimit = opt.MemoryLimit
	}
	g.cc = newCompileCache(g)
	g.stopMem = make(chan struct{})
	go g.heapWatchdog()
	return g, nil
}

// Close writes what is new to the disk compile cache and releases the
// folder; a second Close does nothing.
func (g *Game) Close() {
	g.rootMu.Lock()
	defer g.rootMu.Unlock()
	if g.closed {
		return
	}
	g.closed = true
	g.cc.Close()
	select {
	case <-g.stopMem:
	default:
		close(g.stopMem)
	}
	if err := g.root.Close(); err != nil {
		_ = err // closing a read-only directory handle cannot lose data
	}
}

// withRoot runs fn with the folder's root unless the game is closed (it
// tells whether fn ran); Close waits for fn.
func (g *Game) withRoot(fn func(*os.Root)) bool {
	g.rootMu.RLock()
	defer g.rootMu.RUnlock()
	if g.closed {
		return false
	}
	fn(g.root)
	return true
}

// FS is the folder as a file system rooted at it: no path, and no link,
// leads out of it.
func (g *Game) FS() fs.FS { return g.root.FS() }

// Stubs reports whether unknown engine functions become stand-ins.
func (g *Game) Stubs() bool { return g.Mode != ModeStrict }

// CleanPath checks that rel names something inside the folder and returns
// it slash separated, without leading "./".
func CleanPath(rel string) (string, error) {
	if rel == "" {
		return "", errors.New("empty path")
	}
	r := strings.ReplaceAll(rel, "\\", "/")
	if path.IsAbs(r) || filepath.IsAbs(rel) || (len(r) > 1 && r[1] == ':') {
		return "", fmt.Errorf("%s: absolute paths are outside the game folder", rel)
	}
	c := path.Clean(r)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("%s: path leaves the game folder", rel)
	}
	return c, nil
}

// clean is CleanPath for a path the folder may hold literally: a file
// named `back\slash.lua` (legal outside Windows) is that file when it
// exists, and "a\b.lua" is "a/b.lua" (as Windows games write) otherwise.
func (g *Game) clean(rel string) (string, error) {
	if strings.Contains(rel, "\\") {
		if lit, err := cleanLiteral(rel); err == nil {
			if _, err := g.root.Lstat(lit); err == nil {
				return lit, nil
			}
		}
	}
	return CleanPath(rel)
}

// cleanLiteral is CleanPath without reading a backslash as a separator.
func cleanLiteral(rel string) (string, error) {
	if rel == "" || path.IsAbs(rel) || filepath.IsAbs(rel) || (len(rel) > 1 && rel[1] == ':') {
		return "", fmt.Errorf("%s: not a path inside the folder", rel)
	}
	c := path.Clean(rel)
	if c == ".." || strings.HasPrefix(c, "../") || strings.HasPrefix(c, "..\\") {
		return "", fmt.Errorf("%s: path leaves the game folder", rel)
	}
	return c, nil
}

// ReadFile reads a file inside the game folder; it follows no symlink out.
func (g *Game) ReadFile(rel string) ([]byte, error) {
	c, err := g.clean(rel)
	if err != nil {
		return nil, err
	}
	// Stat before opening: opening a FIFO (or a device reached through a
	// link inside the folder) for reading would block for ever.
	if st, err := g.root.Stat(c); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("open %s: not a regular file", c)
	}
	// O_NONBLOCK: a FIFO swapped in after the Stat does not block the
	// open either (the opened file is judged below)
	f, err := g.root.OpenFile(c, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", c, unwrapPathErr(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("stat %s: %w", c, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("open %s: not a regular file", c)
	}
	if st.Size() > MaxSourceBytes {
		return nil, fmt.Errorf("open %s: %d bytes is larger than the %d MiB limit", c, st.Size(), MaxSourceBytes>>20)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(f, MaxSourceBytes+1)); err != nil {
		return nil, fmt.Errorf("read %s: %w", c, err)
	}
	return buf.Bytes(), nil
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Exists reports whether rel is a regular file inside the folder.
func (g *Game) Exists(rel string) bool {
	c, err := g.clean(rel)
	if err != nil {
		return false
	}
	st, err := g.root.Stat(c)
	return err == nil && st.Mode().IsRegular()
}

// ListLua lists the .lua files under the folder rel, recursively, sorted by
// path with a folder's files before its subfolders. Symlinked folders are not
// followed; a missing folder is an empty list.
func (g *Game) ListLua(rel string) []string {
	var out []string
	g.walk(rel, &out, 0)
	return out
}

func (g *Game) walk(rel string, out *[]string, depth int) {
	if depth > 64 {
		return
	}
	c, err := g.clean(rel)
	if err != nil {
		return
	}
	f, err := g.root.Open(c)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			g.listError(c, err)
		}
		return
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		g.listError(c, err)
		return
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	var dirs []string
	for _, e := range entries {
		p := path.Join(c, e.Name())
		switch {
		case e.Type().IsDir():
			dirs = append(dirs, p)
		case e.Type().IsRegular() && strings.HasSuffix(strings.ToLower(e.Name()), ".lua"):
			*out = append(*out, p)
		case e.Type()&fs.ModeSymlink != 0 && strings.HasSuffix(strings.ToLower(e.Name()), ".lua"):
			if g.Exists(p) { // only links that resolve inside the folder
				*out = append(*out, p)
			}
		}
	}
	for _, d := range dirs {
		g.walk(d, out, depth+1)
	}
}

// listError keeps a folder that could not be listed (no permission): its
// files are missing from the load, and the report says so (TakeListErrors).
func (g *Game) listError(rel string, err error) {
	g.runMu.Lock()
	defer g.runMu.Unlock()
	if len(g.listErrs) < 100 {
		g.listErrs = append(g.listErrs, ErrorRecord{File: rel,
			Message: fmt.Sprintf("cannot list folder %s: %v: its files are not loaded", rel, unwrapPathErr(err))})
	}
}

// TakeListErrors returns and clears the folders that could not be listed.
func (g *Game) TakeListErrors() []ErrorRecord {
	g.runMu.Lock()
	defer g.runMu.Unlock()
	out := g.listErrs
	g.listErrs = nil
	return out
}

// SubDirs lists the folder names directly inside rel, sorted.
func (g *Game) SubDirs(rel string) []string {
	c, err := g.clean(rel)
	if err != nil {
		return nil
	}
	f, err := g.root.Open(c)
	if err != nil {
		return nil
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// CompileError is a syntax error or a refused source, with its position.
type CompileError struct {
	File string
	Line int
	Msg  string
}

func (e *CompileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Compile reads and compiles a game file, caching by content (see
// engine/compilecache: Precompile fills the cache on every core).
func (g *Game) Compile(rel string) (*lua.FunctionProto, error) {
	return g.cc.Get(rel)
}

var syntaxPos = []string{"line:", "line "}

// compileSource checks and compiles Lua source under a chunk name.
func compileSource(name string, src []byte) (*lua.FunctionProto, error) {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if len(src) > MaxSourceBytes {
		return nil, &CompileError{File: name, Msg: fmt.Sprintf("source is %d bytes, larger than the %d MiB limit", len(src), MaxSourceBytes>>20)}
	}
	if line, depth := nestingDepth(src); depth > MaxNesting {
		return nil, &CompileError{File: name, Line: line, Msg: fmt.Sprintf("nesting deeper than %d levels; refused before compiling", MaxNesting)}
	}
	if i := bytes.IndexByte(src, 0); i >= 0 && !looksLikeText(src) {
		return nil, &CompileError{File: name, Line: 1 + bytes.Count(src[:i], []byte("\n")), Msg: "binary data, not Lua source"}
	}
	if len(src) > 0 && src[0] == '#' { // shebang line, as lua.c skips it
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			src = append([]byte("--"), src...)
		}
	}
	chunk, err := parse.Parse(bytes.NewReader(src), name)
	if err != nil {
		return nil, syntaxError(name, err)
	}
	if line, depth := syntaxDepth(chunk, MaxSyntaxDepth); depth > MaxSyntaxDepth { // syntaxdepth.go
		return nil, &CompileError{File: name, Line: line, Msg: fmt.Sprintf("expression or statement chain deeper than %d levels; refused before compiling", MaxSyntaxDepth)}
	}
	if line, work := foldWork(chunk, MaxFoldWork); work > MaxFoldWork { // syntaxdepth.go
		return nil, &CompileError{File: name, Line: line, Msg: fmt.Sprintf("arithmetic chains would take more than %d steps to compile; refused before compiling", MaxFoldWork)}
	}
	proto, err := lua.Compile(chunk, name)
	if err != nil {
		return nil, syntaxError(name, err)
	}
	compilecache.Compact(proto) // see engine/compilecache/codec.go: frees ~13 KB per function
	return proto, nil
}

func looksLikeText(src []byte) bool {
	n := min(len(src), 4096)
	bad := 0
	for _, b := range src[:n] {
		if b == 0 {
			bad++
		}
	}
	return bad == 0
}

var syntaxRe = syntaxRegexp()

func syntaxError(name string, err error) error {
	msg := err.Error()
	if m := syntaxRe.FindStringSubmatch(msg); m != nil {
		line := atoi(m[1])
		rest := strings.TrimSpace(m[2])
		return &CompileError{File: name, Line: line, Msg: "syntax error: " + rest}
	}
	msg = strings.TrimPrefix(msg, name+":")
	return &CompileError{File: name, Msg: "syntax error: " + strings.TrimSpace(msg)}
}

// ---- heap watchdog ----

// running notes that c runs a top-level call that cancel stops (nil: the
// call ended). Other goroutines (the heap watchdog, Interrupt) only call
// the cancel function: they never read a field of c.
func (g *Game) running(c *Lua, cancel context.CancelCauseFunc) {
	g.runMu.Lock()
	if cancel != nil {
		g.runSet[c] = cancel
	} else {
		delete(g.runSet, c)
	}
	g.runMu.Unlock()
}

func (g *Game) heapWatchdog() {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-g.stopMem:
			return
		case <-t.C:
		}
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			continue
		}
		used := sample[0].Value.Uint64()
		if used < g.memLimit {
			continue
		}
		g.runMu.Lock()
		for _, cancel := range g.runSet {
			cancel(memoryCause{used: used, limit: g.memLimit})
			g.memHit.Store(true)
		}
		g.runMu.Unlock()
	}
}

// Interrupt stops whatever Lua is running in any of the game's contexts.
func (g *Game) Interrupt() {
	g.runMu.Lock()
	for _, cancel := range g.runSet {
		cancel(errors.New("interrupted by the person"))
	}
	g.runMu.Unlock()
}
