package engine_test

import (
	"sync"
	"testing"

	"modscope/engine"
	_ "modscope/engine/models"
)

// Interrupt may come from any goroutine while a reset replaces the game
// it interrupts (go test -race finds the unguarded read).
func TestInterruptDuringReset(t *testing.T) {
	s, err := engine.Open("../assets/samples/sectors", engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				s.Interrupt()
			}
		}
	}()
	for i := 0; i < 10; i++ {
		if r := s.Do(engine.Command{Op: "reset"}); !r.OK {
			t.Errorf("reset %d: %s", i, r.Error)
		}
	}
	close(stop)
	wg.Wait()
}
