package engine

import (
	"errors"
	"fmt"
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

func TestDoOnTheOwnerGoroutineIsRefused(t *testing.T) {
	tests := []struct {
		name string
		// run uses c from inside a job; it returns the error the test checks
		run func(t *testing.T, c *Context, o *Lua) error
		// recorded: the error must also be one of the context's errors
		recorded bool
		// wrapped: the error is Do's own (it wraps ErrNestedDo), not its text
		// carried through Lua
		wrapped bool
	}{
		{"a nested Do returns ErrNestedDo without running", func(t *testing.T, c *Context, o *Lua) error {
			return c.Do(func(*Lua) { t.Error("the nested Do ran") })
		}, false, true},
		{"a Lua callback holding the handle gets a recorded error", func(t *testing.T, c *Context, o *Lua) error {
			o.DefineGlobal("viaHandle", o.L.NewFunction(func(L *lua.LState) int {
				if err := c.Do(func(*Lua) { t.Error("the callback's Do ran") }); err != nil {
					L.RaiseError("%v", err)
				}
				return 0
			}))
			if _, rec := o.RunString("cb", `viaHandle("x")`); rec != nil {
				return errors.New(rec.Message)
			}
			return nil
		}, true, false},
		{"under a Lua pcall the callback's error reaches the caller", func(t *testing.T, c *Context, o *Lua) error {
			o.DefineGlobal("viaHandle", o.L.NewFunction(func(L *lua.LState) int {
				if err := c.Do(func(*Lua) { t.Error("the callback's Do ran") }); err != nil {
					L.RaiseError("%v", err)
				}
				return 0
			}))
			res, rec := o.RunString("cb", `local ok, err = pcall(viaHandle) return err`)
			if rec != nil || len(res) != 1 {
				return fmt.Errorf("pcall: %v %v", rec, res)
			}
			return errors.New(res[0].String())
		}, false, false},
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
			if err == nil || !strings.Contains(err.Error(), "own goroutine") || !strings.Contains(err.Error(), c.Name) {
				t.Fatalf("error %v, want Do refused on context %s's own goroutine", err, c.Name)
			}
			if tc.wrapped && !errors.Is(err, ErrNestedDo) {
				t.Fatalf("error %v does not wrap ErrNestedDo", err)
			}
			var errs []ErrorRecord
			if derr := c.Do(func(o *Lua) { errs = o.Errors() }); derr != nil {
				t.Fatal(derr)
			}
			found := false
			for _, e := range errs {
				found = found || strings.Contains(e.Message, "own goroutine")
			}
			if found != tc.recorded {
				t.Fatalf("errors %+v: recorded %v, want %v", errs, found, tc.recorded)
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
// case: a caller on another goroutine) and a nested Do on the owner being
// refused (the goroutine-id check).
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
	b.Run("nested-on-the-owner-refused", func(b *testing.B) {
		if err := c.Do(func(*Lua) {
			for b.Loop() {
				if err := c.Do(func(*Lua) {}); !errors.Is(err, ErrNestedDo) {
					b.Fatal(err)
				}
			}
		}); err != nil {
			b.Fatal(err)
		}
	})
}
