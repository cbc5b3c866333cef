// Package autorun implements the `autorun` context model (see ENGINE.md).
package autorun
