//go:build linux || darwin

package remote

import (
	"fmt"
	"os"
	"syscall"
)

// setOSLimit lowers the soft RLIMIT_DATA to limit (never above the hard
// limit). RLIMIT_DATA counts the memory the process has written to, not
// the address space the Go runtime reserves up front (RLIMIT_AS would cost
// over a gigabyte of the limit before the first allocation), so the heap
// can grow close to limit and an allocation past it makes the runtime die
// with "fatal error: out of memory" in this process only.
func setOSLimit(limit uint64) error {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_DATA, &rl); err != nil {
		return fmt.Errorf("get RLIMIT_DATA: %w", err)
	}
	const inf = ^uint64(0)
	if uint64(rl.Cur) != inf && uint64(rl.Cur) <= limit {
		return nil // lower already
	}
	want := limit
	if uint64(rl.Max) != inf && uint64(rl.Max) < want {
		want = uint64(rl.Max)
	}
	rl.Cur = want
	if err := syscall.Setrlimit(syscall.RLIMIT_DATA, &rl); err != nil {
		return fmt.Errorf("set RLIMIT_DATA to %d bytes: %w", want, err)
	}
	return nil
}

// killSelf ends the process with SIGKILL.
func killSelf() {
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGKILL); err != nil {
		os.Exit(137)
	}
	select {}
}
