package engine

import (
	"io/fs"
	"syscall"
)

// statKeyOf is what says a file is unchanged without reading it: size,
// modification time and, on Linux, the inode change time, which no tool
// can set back.
func statKeyOf(st fs.FileInfo) statKey {
	k := statKey{size: st.Size(), mtime: st.ModTime().UnixNano()}
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		k.ctime = s.Ctim.Sec*1e9 + s.Ctim.Nsec
	}
	return k
}
