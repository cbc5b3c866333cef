package remote

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// envOrphanParent makes the test binary a parent that opens an engine
// child, prints the child's pid and waits to be killed.
const envOrphanParent = "MODSCOPE_TEST_ORPHAN_PARENT"

// TestOrphanParentHelper is the parent of TestChildDiesWithItsParent (it
// does nothing in a normal run).
func TestOrphanParentHelper(t *testing.T) {
	if os.Getenv(envOrphanParent) == "" {
		t.Skip("a helper process of TestChildDiesWithItsParent")
	}
	d, err := Open(crashDir, long, Options{})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println("child", d.Pid())
	time.Sleep(time.Hour)
}

// TestChildDiesWithItsParent: when the program that started an engine
// child is killed (a CI job's timeout), the child ends too.
func TestChildDiesWithItsParent(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestOrphanParentHelper$")
	cmd.Env = append(os.Environ(), envOrphanParent+"=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() }) //nolint:errcheck // cleanup
	sc := bufio.NewScanner(out)
	pid := 0
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "child" {
			pid, _ = strconv.Atoi(f[1])
			break
		}
	}
	if pid <= 0 {
		t.Fatal("the helper did not start an engine child")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(waitLong)
	for alive(pid) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL) //nolint:errcheck // cleanup of the orphan
			t.Fatalf("the engine child %d outlived its parent by %s", pid, waitLong)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// alive tells whether pid is a running process (a zombie is not).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || (s[i+2] != 'Z' && s[i+2] != 'X')
}
