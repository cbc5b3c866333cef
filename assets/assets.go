// Package assets holds files built into the binary: the application icon.
// (The sample game folders under assets/samples stay on disk: they are
// opened like any other folder.)
package assets

import _ "embed"

// Icon is assets/icon.png, the application and window icon.
//
//go:embed icon.png
var Icon []byte
