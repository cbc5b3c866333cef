package remote

import (
	"os/exec"
	"syscall"
)

// endWithParent makes the kernel kill the child when the parent dies (a
// CI job's timeout, a crashed window): Linux's parent-death signal. Its
// pipe's end and the parent-pid watch (watchParent) back it up.
func endWithParent(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}
