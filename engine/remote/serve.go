package remote

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"modscope/engine"
	"modscope/engine/models"
)

// DefaultMemoryLimit is the child's OS memory limit: above the engine's
// heap watchdog (engine.DefaultMemoryLimit), which cancels a runaway call
// first, so that the OS limit only stops what the watchdog cannot.
const DefaultMemoryLimit = 4 << 30

// EngineGCPercent is the child's GOGC unless the environment sets one.
const EngineGCPercent = 200

// closeWait bounds how long a child waits for its session to close once
// the parent has gone.
const closeWait = 5 * time.Second

// ServeMain is the engine child's main: args are what follows ServeArg
// (--memory BYTES). It limits the process's memory, then serves one
// session on stdin and stdout until stdin ends. Nothing else may write to
// stdout: os.Stdout is pointed at stderr while it serves.
func ServeMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(ServeArg, flag.ContinueOnError)
	fs.SetOutput(stderr)
	mem := fs.Uint64("memory", DefaultMemoryLimit, "OS memory limit in bytes (0: none)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if os.Getenv("GOGC") == "" {
		// The child is a batch worker with a known memory budget: loading
		// a game tree allocates fast and keeps most of it (compiled code,
		// data tables), so a collection every doubling is mostly wasted
		// work. At 200 a cold load of a 1,136-file tree is about 15%
		// faster for about 20% more peak memory (BENCHMARKS.md).
		debug.SetGCPercent(EngineGCPercent)
	}
	if *mem > 0 {
		if err := limitMemory(*mem); err != nil {
			fmt.Fprintf(stderr, "modscope engine: %v (running without an OS memory limit)\n", err)
		}
	}
	if f, ok := stdout.(*os.File); ok && f == os.Stdout {
		os.Stdout = os.Stderr
	}
	go watchParent(os.Getppid(), time.Second, func() {
		fmt.Fprintln(stderr, "modscope engine: the parent process has gone: exiting")
		os.Exit(1)
	})
	if err := Serve(stdin, stdout); err != nil {
		fmt.Fprintf(stderr, "modscope engine: %v\n", err)
		return 1
	}
	return 0
}

// limitMemory sets the Go runtime's soft limit a little under the OS
// limit, then the OS limit (setOSLimit; not on every OS).
func limitMemory(limit uint64) error {
	soft := limit - limit/8
	if soft > 1<<62 {
		soft = 1 << 62
	}
	debug.SetMemoryLimit(int64(soft))
	return setOSLimit(limit)
}

// server is the child's side: one session, requests served concurrently
// (the session serializes commands itself, as it does in process).
type server struct {
	wmu sync.Mutex
	out *bufio.Writer
	bad error // the first write error: the parent has gone

	mu   sync.Mutex
	sess *engine.Session

	crash *crashHook
}

// Serve greets the parent, then answers requests from in on out until in
// ends; then it closes the session (waiting at most closeWait for it).
func Serve(in io.Reader, out io.Writer) error {
	s := &server{out: bufio.NewWriterSize(out, 64<<10), crash: parseCrash(os.Getenv(envCrash))}
	s.send(reply{Hello: &hello{Version: protocolVersion, Pid: os.Getpid()}})
	if err := s.writeErr(); err != nil {
		return err
	}
	dec := json.NewDecoder(bufio.NewReaderSize(in, 64<<10))
	for {
		var req request
		if err := dec.Decode(&req); err != nil {
			s.shutdown()
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("read request: %w", err)
		}
		if req.Method == mOpen {
			s.handle(req) // everything else waits for the session
			continue
		}
		go s.handle(req)
	}
}

func (s *server) shutdown() {
	s.mu.Lock()
	sess := s.sess
	s.sess = nil
	s.mu.Unlock()
	if sess == nil {
		return
	}
	done := make(chan struct{})
	go func() {
		sess.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(closeWait):
	}
}

// send writes one line. After a write error (the parent has gone; the
// read loop ends at the same time) it writes nothing more; writeErr tells.
func (s *server) send(r reply) {
	b, err := json.Marshal(r)
	if err != nil {
		// only an answer can hold a value JSON cannot carry: say so instead
		if r.ID == 0 {
			return
		}
		b, _ = json.Marshal(reply{ID: r.ID, Err: fmt.Sprintf("engine: encode reply: %v", err)}) // plain strings always encode
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.bad != nil {
		return
	}
	b = append(b, '\n')
	if _, err := s.out.Write(b); err != nil {
		s.bad = fmt.Errorf("write to the parent: %w", err)
		return
	}
	if err := s.out.Flush(); err != nil {
		s.bad = fmt.Errorf("write to the parent: %w", err)
	}
}

func (s *server) writeErr() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.bad
}

// answer sends v (or err) as the answer to request id.
func (s *server) answer(id uint64, v any, err error) {
	r := reply{ID: id}
	switch {
	case err != nil:
		r.Err = err.Error()
	case v != nil:
		b, merr := json.Marshal(v)
		if merr != nil {
			r.Err = fmt.Sprintf("engine: encode reply: %v", merr)
		} else {
			r.Data = b
		}
	}
	s.send(r)
}

// event streams one engine event to the parent as it happens.
func (s *server) event(e engine.Event) {
	ce := capEvent(e) // every string that crosses is bounded (caps.go)
	s.send(reply{Event: &ce})
	if s.crash != nil && e.Kind == engine.EventFileBegin && e.Text == s.crash.file {
		s.crash.fire()
	}
}

func (s *server) handle(req request) {
	defer func() {
		if r := recover(); r != nil {
			s.answer(req.ID, nil, fmt.Errorf("engine: internal error in %s: %v", req.Method, r))
		}
	}()
	if req.Method == mOpen {
		info, err := s.open(req)
		var oe *engine.OpenError
		if errors.As(err, &oe) {
			// the folder as it looked comes with the error (the window's
			// "Found: ..." and folder info)
			b, merr := json.Marshal(oe.Folder)
			if merr == nil {
				s.send(reply{ID: req.ID, Err: err.Error(), Data: b})
				return
			}
		}
		s.answer(req.ID, info, err)
		return
	}
	s.mu.Lock()
	sess := s.sess
	s.mu.Unlock()
	if sess == nil {
		s.answer(req.ID, nil, errors.New("engine: no folder is open"))
		return
	}
	switch req.Method {
	case mDo:
		if req.Cmd == nil {
			s.answer(req.ID, nil, errors.New("engine: do without a command"))
			return
		}
		s.answer(req.ID, sendable(capResult(sess.Do(*req.Cmd)), req.Cmd.Op), nil)
	case mScript:
		s.answer(req.ID, sess.RunScript(fromWireLines(req.Lines)), nil)
	case mSteps:
		names, next := sess.Steps()
		s.answer(req.ID, stepsInfo{Names: names, Next: next}, nil)
	case mContexts:
		s.answer(req.ID, sess.Contexts(), nil)
	case mReport:
		s.answer(req.ID, sess.Report(), nil)
	case mLog:
		s.answer(req.ID, sess.Log(), nil)
	case mWatches:
		s.answer(req.ID, sess.Watches(), nil)
	case mFolder:
		s.answer(req.ID, capFolder(sess.Folder()), nil)
	case mTrack:
		sess.TrackDiffs(req.On)
		s.answer(req.ID, nil, nil)
	case mInterrupt:
		sess.Interrupt()
		s.answer(req.ID, nil, nil)
	case mClose:
		sess.Close()
		s.answer(req.ID, nil, nil)
	default:
		s.answer(req.ID, nil, fmt.Errorf("engine: unknown method %q", req.Method))
	}
}

func (s *server) open(req request) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sess != nil {
		return nil, errors.New("engine: a folder is open already")
	}
	var opt engine.Options
	if req.Opt != nil {
		opt = *req.Opt
	}
	sess, err := models.Open(req.Dir, opt)
	if err != nil {
		return nil, err
	}
	s.sess = sess
	sess.Subscribe(s.event)
	g := sess.Game()
	return openInfo{Model: g.Model, Folder: g.Dir, Mode: g.Mode}, nil
}

// crashHook makes the child die for tests (envCrash = "HOW:FILE") when
// the Lua file FILE begins to run, after the event saying so was sent.
type crashHook struct{ how, file string }

func parseCrash(v string) *crashHook {
	how, file, ok := strings.Cut(v, ":")
	if !ok || file == "" {
		return nil
	}
	return &crashHook{how: how, file: file}
}

// fire dies: "kill" by SIGKILL (as the OOM killer would), "exit" with
// status 3, "oom" by allocating until the OS memory limit makes the
// runtime fail (fatal error: out of memory), anything else ("stack") by a
// Go stack overflow (fatal error: stack overflow). Each is a real death
// that no recover can stop. "hang" does not die: it blocks the Lua
// goroutine in Go code that ignores interrupts and the watchdog.
func (c *crashHook) fire() {
	switch c.how {
	case "hang":
		time.Sleep(time.Hour)
	case "kill":
		killSelf()
	case "exit":
		os.Exit(3)
	case "oom":
		var keep [][]byte
		for {
			b := make([]byte, 32<<20)
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
			keep = append(keep, b)
		}
	}
	debug.SetMaxStack(1 << 20)
	fmt.Fprintln(os.Stderr, "modscope engine: test crash hook: "+strconv.Itoa(recurse(0)))
}

// recurse never returns: every call needs another frame.
//
//go:noinline
func recurse(n int) int {
	var pad [256]byte
	pad[n%len(pad)] = byte(n)
	return recurse(n+1) + int(pad[(n*7)%len(pad)])
}

// watchParent calls gone when the process's parent is no longer ppid (it
// died and the child was handed to another): an engine child never
// outlives the program that started it, even when its pipe stays open.
func watchParent(ppid int, every time.Duration, gone func()) {
	if ppid <= 1 {
		return // started by init or outside a parent: nothing to watch
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		if os.Getppid() != ppid {
			gone()
			return
		}
	}
}
