// Package sectors implements the `sectors` context model (see ENGINE.md).
package sectors
