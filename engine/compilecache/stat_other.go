//go:build !linux

package compilecache

import "io/fs"

// statKeyOf is what says a file is unchanged without reading it: size and
// modification time.
func statKeyOf(st fs.FileInfo) statKey {
	return statKey{size: st.Size(), mtime: st.ModTime().UnixNano()}
}
