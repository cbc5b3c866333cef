// Package assets holds files built into the binary: the application icon
// and the bundled sample game folders (assets/samples, one per context
// model), which run from anywhere (`modscope run --sample NAME`) and which
// the window opens as a writable copy under the user's data directory.
package assets

import _ "embed"

// Icon is assets/icon.png, the application and window icon.
//
//go:embed icon.png
var Icon []byte
