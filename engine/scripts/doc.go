// Package scripts implements the `scripts` context model (see ENGINE.md).
package scripts
