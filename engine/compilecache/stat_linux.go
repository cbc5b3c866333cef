package compilecache

import (
	"io/fs"
	"syscall"
)

// statKeyOf is what says a file is unchanged without reading it: size,
// modification time and, on Linux, the inode change time, which no tool
// can set back, and the file's identity (inode and device).
func statKeyOf(st fs.FileInfo) statKey {
	k := statKey{size: st.Size(), mtime: st.ModTime().UnixNano()}
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		k.ctime = s.Ctim.Sec*1e9 + s.Ctim.Nsec
		k.ino, k.dev = uint64(s.Ino), uint64(s.Dev) //nolint:unconvert // widths differ between architectures
	}
	return k
}
