//go:build !unix

package engine_test

import "errors"

func mkfifoExt(string) error { return errors.New("named pipes are a Unix thing") }
