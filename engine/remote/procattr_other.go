//go:build !linux

package remote

import "os/exec"

// endWithParent has no parent-death signal to ask for outside Linux: the
// child ends on its pipe's end and on the parent-pid watch (watchParent).
func endWithParent(*exec.Cmd) {}
