package compilecache

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// The pack file: one per folder, under the disk cache folder's packs/,
// named by the hash of the folder's path. A header (packMagic, the codec's
// protoFormat, cacheVersion, the folder) and then entries to the end of the
// file: path, stat key, content key, the blob's length and checksum, the
// encoded chunk. A save appends what is new, or writes the pack anew to a
// temporary file that replaces it.

// packMagic starts every pack file.
// packMagic names the pack format: "2" added the file's identity (inode
// and device) to its stat key; "3" has no entry count: entries run to the
// end of the file, so that a save appends what is new (appendPack).
const packMagic = "MSCCPAK3"

// packTrimAge: packs unused this long, or whose folder is gone, are removed
// (checked at most once a day, when a pack is written).
const packTrimAge = 30 * 24 * time.Hour

// openDisk resolves the cache folder and reads this folder's pack, once.
func (cc *Cache) openDisk() {
	cc.diskOnce.Do(func() {
		cc.mu.Lock()
		cc.initMaps()
		dir := cc.dir
		if !cc.dirSet {
			dir = DefaultDir()
		}
		if dir == "" || !CodecOK() {
			cc.mu.Unlock()
			return
		}
		cc.version = cacheVersion(cc.cfg.Salt)
		sum := sha256.Sum256([]byte(cc.cfg.Folder))
		cc.pack = filepath.Join(dir, "packs", hex.EncodeToString(sum[:16])+".pack")
		cc.diskOn = true
		ready := make(chan struct{})
		cc.packReading = ready
		cc.mu.Unlock()
		entries, n, dead, err := readPack(cc.pack, cc.cfg.Folder, cc.version)
		cc.mu.Lock()
		defer cc.mu.Unlock()
		defer func() { cc.packReading = nil; close(ready) }()
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			cc.stats.DiskErr = err.Error()
		}
		cc.stats.PackBytes = n
		cc.packSize, cc.packDead, cc.packOK = n, dead, err == nil
		for path, m := range entries {
			if cc.memo[path] == nil {
				cc.memo[path] = m
			}
		}
	})
}

// readPack reads a pack; entries that fail their checksum are left out,
// and a pack cut short keeps the entries before the cut. A path's last
// entry is its entry (a save appends); dead is the size of the others.
func readPack(file, folder, version string) (entries map[string]*memoEntry, size, dead int64, err error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, 0, 0, err
	}
	out := map[string]*memoEntry{}
	size = int64(len(data))
	d := &decoder{b: data}
	if string(d.bytes(len(packMagic))) != packMagic || d.uvarint() != protoFormat ||
		d.str() != version || d.str() != folder || d.err != nil {
		return nil, size, 0, fmt.Errorf("compile cache %s: not a pack of this version for this folder; ignored", file)
	}
	seen := map[string]int{} // path -> size of its latest entry
	for len(d.b) > 0 && d.err == nil {
		at := len(d.b)
		path := d.str()
		m := &memoEntry{}
		m.stat.size, m.stat.mtime, m.stat.ctime = d.varint64(), d.varint64(), d.varint64()
		m.stat.ino, m.stat.dev = d.uvarint(), d.uvarint()
		copy(m.key[:], d.bytes(32))
		bl := d.count(1)
		sum := d.bytes(4)
		blob := d.bytes(bl)
		if d.err != nil {
			break
		}
		dead += int64(seen[path])
		seen[path] = at - len(d.b)
		m.crc = binary.LittleEndian.Uint32(sum)
		if crc32.Checksum(blob, crcTable) != m.crc {
			delete(out, path)
			continue
		}
		m.blob = blob
		out[path] = m
	}
	if d.err != nil {
		return out, size, dead, fmt.Errorf("compile cache %s: %w after %d entries; the rest is compiled", file, d.err, len(out))
	}
	return out, size, dead, nil
}

func (d *decoder) varint64() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail(errShort)
		return 0
	}
	d.b = d.b[n:]
	return v
}

// saveDisk merges what was compiled since the last save into the pack on
// disk (re-read, so that what another process wrote meanwhile is kept) and
// replaces it atomically.
func (cc *Cache) saveDisk() {
	cc.saveMu.Lock()
	defer cc.saveMu.Unlock()
	cc.mu.Lock()
	if !cc.diskOn || len(cc.fresh) == 0 {
		cc.mu.Unlock()
		return
	}
	fresh := cc.fresh
	cc.fresh = map[string]*memoEntry{}
	cc.mu.Unlock()
	// A few new entries are appended to the pack this process read whole,
	// if nobody changed it since; otherwise, or once a quarter of it is
	// replaced entries, the pack is written anew.
	cc.mu.Lock()
	appendOK, size, dead := cc.packOK, cc.packSize, cc.packDead
	cc.mu.Unlock()
	if appendOK {
		if st, err := os.Stat(cc.pack); err != nil || st.Size() != size {
			appendOK = false
		}
	}
	if appendOK {
		n, added, err := appendPack(cc.pack, fresh, cc.blobOf)
		if err == nil && dead+added <= (size+added)/4 {
			terr := trimPacks(filepath.Dir(cc.pack))
			cc.mu.Lock()
			defer cc.mu.Unlock()
			cc.stats.Saved = n
			cc.packSize, cc.packDead = size+added, dead+added // each about replaces an entry
			if terr != nil {
				cc.stats.DiskErr = terr.Error()
			}
			return
		}
		if err != nil {
			// the pack may now end in a part of an entry: written anew below
			cc.mu.Lock()
			cc.stats.DiskErr = err.Error()
			cc.mu.Unlock()
		}
		// appended, but a quarter of the pack is dead: compacted below
	}
	exists := func(path string) bool {
		cc.mu.Lock()
		m := cc.memo[path]
		seen := m != nil && m.seen
		cc.mu.Unlock()
		return seen || cc.src.Exists(path)
	}
	n, written, err := writePack(cc.pack, cc.cfg.Folder, cc.version, fresh, exists, cc.blobOf)
	cc.mu.Lock()
	defer cc.mu.Unlock()
	cc.stats.Saved = n
	cc.packSize, cc.packDead, cc.packOK = written, 0, err == nil
	if err != nil {
		cc.stats.DiskErr = err.Error()
	}
}

// appendPack appends the fresh entries to the pack in one write (O_APPEND:
// a concurrent appender's entries land before or after, whole); added is
// the number of bytes.
func appendPack(file string, fresh map[string]*memoEntry, blob func(m *memoEntry, buf []byte) ([]byte, error)) (n int, added int64, err error) {
	var b, buf []byte
	for path, m := range fresh {
		data, err := blob(m, buf)
		if err != nil {
			return 0, 0, err
		}
		if m.spooled {
			buf = data
		}
		b = appendEntry(b, path, m, data)
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return 0, 0, fmt.Errorf("compile cache: append to %s: %w", file, err)
	}
	_, werr := f.Write(b)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return 0, 0, fmt.Errorf("compile cache: append to %s: %w", file, werr)
	}
	return len(fresh), int64(len(b)), nil
}

// appendEntry appends one pack entry: path, stat key, content key, the
// blob's length and checksum, the blob.
func appendEntry(b []byte, path string, m *memoEntry, data []byte) []byte {
	return append(appendEntryHead(b, path, m, len(data)), data...)
}

// appendEntryHead is appendEntry without the blob (of n bytes).
func appendEntryHead(b []byte, path string, m *memoEntry, n int) []byte {
	b = appendString(b, path)
	b = binary.AppendVarint(b, m.stat.size)
	b = binary.AppendVarint(b, m.stat.mtime)
	b = binary.AppendVarint(b, m.stat.ctime)
	b = binary.AppendUvarint(b, m.stat.ino)
	b = binary.AppendUvarint(b, m.stat.dev)
	b = append(b, m.key[:]...)
	b = binary.AppendUvarint(b, uint64(n))
	return binary.LittleEndian.AppendUint32(b, m.crc)
}

// writePack writes the pack: the old one's entries still wanted, then the
// fresh ones (blob gives their encoded chunks), streamed to a temporary
// file that replaces the pack. It returns the entries and bytes written.
func writePack(file, folder, version string, fresh map[string]*memoEntry, exists func(string) bool,
	blob func(m *memoEntry, buf []byte) ([]byte, error)) (int, int64, error) {
	old, _, _, err := readPack(file, folder, version)
	if err != nil {
		old = nil // missing or unreadable: start over
	}
	all := make(map[string]*memoEntry, len(old)+len(fresh))
	for path, m := range old {
		if fresh[path] == nil && exists(path) {
			all[path] = m
		}
	}
	for path, m := range fresh {
		all[path] = m
	}
	dir := filepath.Dir(file)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, 0, fmt.Errorf("compile cache: create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".pack-*")
	if err != nil {
		return 0, 0, fmt.Errorf("compile cache: create temporary file in %s: %w", dir, err)
	}
	w := bufio.NewWriterSize(tmp, 256<<10)
	b := make([]byte, 0, 256)
	b = append(b, packMagic...)
	b = binary.AppendUvarint(b, protoFormat)
	b = appendString(b, version)
	b = appendString(b, folder)
	written := int64(len(b))
	_, werr := w.Write(b)
	var buf []byte
	for path, m := range all {
		if werr != nil {
			break
		}
		var data []byte
		if data, werr = blob(m, buf); werr != nil {
			break
		}
		if m.spooled {
			buf = data
		}
		b = appendEntryHead(b[:0], path, m, len(data))
		if _, werr = w.Write(b); werr == nil {
			_, werr = w.Write(data)
		}
		written += int64(len(b) + len(data))
	}
	if werr == nil {
		werr = w.Flush()
	}
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), file)
	}
	if werr != nil {
		if rerr := os.Remove(tmp.Name()); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			werr = errors.Join(werr, rerr)
		}
		return 0, 0, fmt.Errorf("compile cache: write %s: %w", file, werr)
	}
	if err := trimPacks(dir); err != nil {
		return len(all), written, err
	}
	return len(all), written, nil
}

// trimPacks removes, at most once a day, packs whose folder is gone or
// that were not written for packTrimAge.
func trimPacks(dir string) error {
	stamp := filepath.Join(dir, ".trimmed")
	if st, err := os.Stat(stamp); err == nil && time.Since(st.ModTime()) < 24*time.Hour {
		return nil
	}
	if err := os.WriteFile(stamp, nil, 0o644); err != nil {
		return fmt.Errorf("compile cache: write %s: %w", stamp, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("compile cache: list %s: %w", dir, err)
	}
	var errs []error
	for _, e := range entries {
		name := filepath.Join(dir, e.Name())
		info, err := e.Info()
		if err != nil || e.IsDir() {
			continue
		}
		stale := time.Since(info.ModTime()) > packTrimAge
		if !stale && filepath.Ext(name) == ".pack" {
			folder, ok := packFolder(name)
			if ok {
				if _, err := os.Stat(folder); errors.Is(err, fs.ErrNotExist) {
					stale = true
				}
			}
		}
		if !stale && e.Name()[0] == '.' && e.Name() != ".trimmed" && time.Since(info.ModTime()) > time.Hour {
			stale = true // a temporary file left by a process that died
		}
		if stale {
			if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("compile cache: trim %s: %w", dir, errors.Join(errs...))
	}
	return nil
}

// packFolder reads the folder a pack belongs to from its header.
func packFolder(file string) (string, bool) {
	f, err := os.Open(file)
	if err != nil {
		return "", false
	}
	defer f.Close()
	head := make([]byte, 8192)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", false
	}
	d := &decoder{b: head[:n]}
	if !bytes.Equal(d.bytes(len(packMagic)), []byte(packMagic)) {
		return "", false
	}
	d.uvarint()
	d.str()
	folder := d.str()
	return folder, d.err == nil && folder != ""
}
