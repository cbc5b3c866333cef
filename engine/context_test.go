package engine

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// within fails the test when fn does not return in time: a nested Do that
// deadlocks would otherwise hang the test run.
func within(t *testing.T, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Do deadlocked")
	}
}

func TestDoIsReentrantOnTheOwnerGoroutine(t *testing.T) {
	tests := []struct {
		name string
		// run uses c from inside a job and reports what the test checks
		run  func(t *testing.T, c *Context, o *Lua) error
		want string // in the context's output
	}{
		{"a nested Do runs at once with the same owner access", func(t *testing.T, c *Context, o *Lua) error {
			return c.Do(func(inner *Lua) {
				if inner != o {
					t.Errorf("nested Do got another owner access")
				}
				inner.Print("info", "nested ran")
			})
		}, "nested ran"},
		{"a Lua callback holding the handle can use Do", func(t *testing.T, c *Context, o *Lua) error {
			o.DefineGlobal("viaHandle", o.L.NewFunction(func(L *lua.LState) int {
				if err := c.Do(func(o *Lua) { o.Print("info", "callback ran "+L.CheckString(1)) }); err != nil {
					L.RaiseError("%v", err)
				}
				return 0
			}))
			if _, rec := o.RunString("cb", `viaHandle("x")`); rec != nil {
				return errors.New(rec.Message)
			}
			return nil
		}, "callback ran x"},
		{"Do nested twice", func(t *testing.T, c *Context, o *Lua) error {
			return c.Do(func(*Lua) {
				if err := c.Do(func(o *Lua) { o.Print("info", "deep") }); err != nil {
					t.Error(err)
				}
			})
		}, "deep"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestContext(t, newTestGame(t, map[string]string{}, Options{}))
			var err error
			within(t, func() {
				if derr := c.Do(func(o *Lua) { err = tc.run(t, c, o) }); derr != nil {
					t.Error(derr)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			var out []OutputLine
			if err := c.Do(func(o *Lua) { out = o.Output() }); err != nil {
				t.Fatal(err)
			}
			var texts []string
			for _, l := range out {
				texts = append(texts, l.Text)
			}
			if !strings.Contains(strings.Join(texts, "\n"), tc.want) {
				t.Fatalf("output %q, want %q", texts, tc.want)
			}
		})
	}
}

func TestDoFromAnotherGoroutineWaitsForTheRunningJob(t *testing.T) {
	c := newTestContext(t, newTestGame(t, map[string]string{}, Options{}))
	release := make(chan struct{})
	started := make(chan struct{})
	var mu sync.Mutex
	var order []string
	note := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := c.Do(func(*Lua) {
			close(started)
			<-release
			note("first")
		}); err != nil {
			t.Error(err)
		}
	}()
	<-started // the first job runs: the context is busy
	go func() {
		defer wg.Done()
		if err := c.Do(func(*Lua) { note("second") }); err != nil {
			t.Error(err)
		}
	}()
	time.Sleep(10 * time.Millisecond) // give the second Do the chance to cut in, were it able to
	close(release)
	within(t, wg.Wait)
	if got := strings.Join(order, ","); got != "first,second" {
		t.Fatalf("jobs ran as %s, want first,second", got)
	}
}

func TestNestedDoAfterCloseIsErrClosed(t *testing.T) {
	c := newTestContext(t, newTestGame(t, map[string]string{}, Options{}))
	var nested error
	ran := false
	within(t, func() {
		if err := c.Do(func(*Lua) {
			c.Close()
			nested = c.Do(func(*Lua) { ran = true })
		}); err != nil {
			t.Error(err)
		}
	})
	if !errors.Is(nested, ErrClosed) || ran {
		t.Fatalf("nested Do after Close: err %v, ran %v; want ErrClosed, not run", nested, ran)
	}
	if err := c.Do(func(*Lua) {}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Do after Close: %v, want ErrClosed", err)
	}
}

func TestPanicInNestedDoIsOneErrorOfTheJob(t *testing.T) {
	c := newTestContext(t, newTestGame(t, map[string]string{}, Options{}))
	after := false
	within(t, func() {
		if err := c.Do(func(*Lua) {
			if err := c.Do(func(*Lua) { panic("boom") }); err != nil { // the panic leaves both
				t.Error(err)
			}
			after = true
		}); err != nil {
			t.Error(err)
		}
	})
	var errs []ErrorRecord
	if err := c.Do(func(o *Lua) { errs = o.Errors() }); err != nil {
		t.Fatal(err)
	}
	if after || len(errs) != 1 || !strings.Contains(errs[0].Message, "internal error: boom") {
		t.Fatalf("after=%v errors %+v; want the job stopped and one internal error", after, errs)
	}
}

func TestGoroutineIDTellsGoroutinesApart(t *testing.T) {
	here := goroutineID()
	other := make(chan uint64)
	go func() { other <- goroutineID() }()
	there := <-other
	if here == 0 || there == 0 || here == there || goroutineID() != here {
		t.Fatalf("ids %d and %d (again %d)", here, there, goroutineID())
	}
}

// BenchmarkDo measures a round trip to the owner goroutine (the common
// case: a caller on another goroutine) and a nested Do on the owner.
func BenchmarkDo(b *testing.B) {
	g, err := OpenGame(b.TempDir(), Options{Model: ModelAutorun})
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	c, err := g.NewContext("main", "autorun", "")
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.Run("from-another-goroutine", func(b *testing.B) {
		for b.Loop() {
			if err := c.Do(func(*Lua) {}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("nested-on-the-owner", func(b *testing.B) {
		if err := c.Do(func(*Lua) {
			for b.Loop() {
				if err := c.Do(func(*Lua) {}); err != nil {
					b.Fatal(err)
				}
			}
		}); err != nil {
			b.Fatal(err)
		}
	})
}
