package remote

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Time bounds of the child's life; generous, for loaded machines.
const (
	startTimeout = 2 * time.Minute  // from exec to the greeting
	closeTimeout = 10 * time.Second // for the session to close
	exitGrace    = 5 * time.Second  // from closing stdin to the exit
)

// child is one engine process and the calls waiting for its answers.
type child struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout io.Reader
	stderr *capture
	hello  chan hello

	wmu sync.Mutex // one request line at a time

	mu      sync.Mutex
	nextID  uint64
	pending map[uint64]chan reply
	gone    bool
	err     error // why it is gone

	done    chan struct{} // closed when it is gone and err is set
	closing atomic.Bool   // the parent closes it on purpose
	killed  atomic.Value  // string: why the parent killed it, if it did
}

// startChild starts the program as an engine child and waits for its
// greeting; onEvent and onExit are called from the goroutine reading the
// child's output (onExit once, after the process has exited).
func startChild(o Options, onEvent func(*child, reply), onExit func(*child, error)) (*child, error) {
	exe := o.Executable
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return nil, fmt.Errorf("start engine process: find this program: %w", err)
		}
	}
	mem := o.MemoryLimit
	if mem == 0 {
		mem = DefaultMemoryLimit
	}
	cmd := exec.Command(exe, ServeArg, "--memory", strconv.FormatUint(mem, 10))
	cmd.Env = append(append(os.Environ(), envChild+"=1", raceEnv()), o.Env...)
	c := &child{cmd: cmd, stderr: &capture{}, hello: make(chan hello, 1),
		pending: map[uint64]chan reply{}, done: make(chan struct{})}
	cmd.Stderr = c.stderr
	endWithParent(cmd) // the child never outlives the parent (containment.md)
	var err error
	if c.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("start engine process %s: %w", exe, err)
	}
	if c.stdout, err = cmd.StdoutPipe(); err != nil {
		return nil, fmt.Errorf("start engine process %s: %w", exe, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start engine process %s: %w", exe, err)
	}
	go c.read(onEvent, onExit)
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case h := <-c.hello:
		if h.Version != protocolVersion {
			c.kill()
			return nil, fmt.Errorf("start engine process %s: it speaks protocol %d, not %d", exe, h.Version, protocolVersion)
		}
		return c, nil
	case <-c.done:
		return nil, fmt.Errorf("start engine process %s: %w", exe, c.err)
	case <-timer.C:
		c.kill()
		return nil, fmt.Errorf("start engine process %s: no answer in %s", exe, startTimeout)
	}
}

// raceEnv keeps a child built with the race detector from sleeping a
// second before it exits (the detector's default atexit_sleep_ms), which
// would slow every Close of a test; other GORACE options stay.
func raceEnv() string {
	g := os.Getenv("GORACE")
	if !strings.Contains(g, "atexit_sleep_ms") {
		g = strings.TrimSpace(g + " atexit_sleep_ms=0")
	}
	return "GORACE=" + g
}

// read reads the child's output until it ends, then waits for the process
// and fails every pending call with why it ended.
func (c *child) read(onEvent func(*child, reply), onExit func(*child, error)) {
	br := bufio.NewReaderSize(c.stdout, 64<<10)
	var protoErr error
	greeted := false
loop:
	for {
		// one line at a time, bounded: the child's strings are capped
		// (caps.go), so a longer line means it broke the protocol
		line, err := readLine(br, maxLine)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, os.ErrClosed) {
				protoErr = err
			}
			break
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var m reply
		if err := json.Unmarshal(line, &m); err != nil {
			protoErr = err
			break
		}
		switch {
		case !greeted:
			if m.Hello == nil {
				protoErr = errors.New("it did not greet")
				break loop
			}
			greeted = true
			c.hello <- *m.Hello
			continue
		case m.Event != nil:
			onEvent(c, m)
			continue
		}
		c.mu.Lock()
		ch := c.pending[m.ID]
		delete(c.pending, m.ID)
		c.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	}
	if protoErr != nil {
		c.kill() // it is not speaking the protocol: stop it
	}
	exited := make(chan struct{})
	go func() {
		t := time.NewTimer(exitGrace)
		defer t.Stop()
		select {
		case <-exited:
		case <-t.C:
			c.kill() // it closed its output but lingers
		}
	}()
	waitErr := c.cmd.Wait()
	close(exited)
	err := c.describeExit(waitErr, protoErr)
	onExit(c, err)
	c.mu.Lock()
	c.gone, c.err = true, err
	for id, ch := range c.pending {
		delete(c.pending, id)
		close(ch)
	}
	c.mu.Unlock()
	close(c.done)
}

// describeExit says how the process ended: its exit status or signal and
// the first line of its standard error that says why.
func (c *child) describeExit(waitErr, protoErr error) error {
	status := "exited"
	if ps := c.cmd.ProcessState; ps != nil {
		status = ps.String()
	} else if waitErr != nil {
		status = waitErr.Error()
	}
	if why, ok := c.killed.Load().(string); ok {
		return errors.New(why)
	}
	if protoErr != nil {
		status = fmt.Sprintf("broke the protocol (%v), %s", protoErr, status)
	}
	if why := c.stderr.fatalLine(); why != "" {
		status += ": " + why
	}
	return errors.New(status)
}

// killWith kills the process, saying why (the death's status).
func (c *child) killWith(why string) {
	c.killed.Store(why)
	c.kill()
}

// kill ends the process now (it may be gone already).
func (c *child) kill() {
	if c.cmd.Process != nil {
		c.cmd.Process.Kill() //nolint:errcheck // it may have exited already: that is the goal
	}
}

// call sends a request and waits for the answer, the child's end, or
// timeout (0: none). It returns errGone-wrapped errors when the child
// ended.
func (c *child) call(req request, timeout time.Duration) (reply, error) {
	ch := make(chan reply, 1)
	c.mu.Lock()
	if c.gone {
		err := c.err
		c.mu.Unlock()
		return reply{}, &goneError{err}
	}
	c.nextID++
	req.ID = c.nextID
	c.pending[req.ID] = ch
	c.mu.Unlock()
	b, err := json.Marshal(req)
	if err != nil {
		c.forget(req.ID)
		return reply{}, fmt.Errorf("engine: encode %s request: %w", req.Method, err)
	}
	c.wmu.Lock()
	_, werr := c.stdin.Write(append(b, '\n'))
	c.wmu.Unlock()
	if werr != nil {
		// a broken pipe: the child is gone or going; wait for the reader
		// to say why
		<-c.done
	}
	var tc <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		tc = t.C
	}
	select {
	case m, ok := <-ch:
		if !ok {
			return reply{}, &goneError{c.err}
		}
		return m, nil
	case <-tc:
		c.forget(req.ID)
		return reply{}, fmt.Errorf("engine: no answer to %s in %s", req.Method, timeout)
	}
}

func (c *child) forget(id uint64) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

// close asks the session to close, closes the child's input and waits for
// it to exit, killing it when it does not in time.
func (c *child) close() {
	c.closing.Store(true)
	c.call(request{Method: mClose}, closeTimeout) //nolint:errcheck // it exits either way below
	c.stdin.Close()                               //nolint:errcheck // as above
	t := time.NewTimer(exitGrace)
	defer t.Stop()
	select {
	case <-c.done:
	case <-t.C:
		c.kill()
		<-c.done
	}
}

// goneError is the error of a call to a child that has ended.
type goneError struct{ err error }

func (g *goneError) Error() string { return "engine process died (" + g.err.Error() + ")" }

// capture keeps the beginning and the end of the child's standard error
// (a fatal error's reason comes first, goroutine dumps can be long).
type capture struct {
	mu   sync.Mutex
	head []byte
	tail []byte
}

const captureKeep = 16 << 10

func (c *capture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(p)
	if room := captureKeep - len(c.head); room > 0 {
		k := min(room, len(p))
		c.head = append(c.head, p[:k]...)
		p = p[k:]
	}
	if len(p) > 0 {
		c.tail = append(c.tail, p...)
		if len(c.tail) > 2*captureKeep {
			c.tail = append(c.tail[:0], c.tail[len(c.tail)-captureKeep:]...)
		}
	}
	return n, nil
}

// String returns what was kept, with a mark where something was left out.
func (c *capture) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.tail) <= captureKeep {
		return string(c.head) + string(c.tail)
	}
	return string(c.head) + "\n…\n" + string(c.tail[len(c.tail)-captureKeep:])
}

// fatalLine is the line of the child's standard error that says why it
// died: Go's "fatal error:" or "panic:", the race detector's or
// modscope's own complaint; "" when there is none.
func (c *capture) fatalLine() string {
	c.mu.Lock()
	lines := strings.Split(string(bytes.TrimSpace(c.head)), "\n")
	c.mu.Unlock()
	for _, prefixes := range [][]string{{"fatal error: "}, {"panic: "}, {"==", "modscope engine: ", "modscope: "}} {
		for _, l := range lines {
			l = strings.TrimSpace(l)
			for _, p := range prefixes {
				if strings.HasPrefix(l, p) && (p != "==" || strings.Contains(l, "ERROR") || strings.Contains(l, "FATAL")) {
					return limit(strings.TrimSuffix(l, " [recovered]"), 300)
				}
			}
		}
	}
	return ""
}

func limit(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
