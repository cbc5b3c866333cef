package engine

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
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// The compile cache. Every game file is compiled once per content: the
// in-memory cache maps sha256(path, source) to the compiled chunk, so a
// ReloadLua recompiles only what changed. Precompile fills it on every core
// at once. For big folders a disk cache keeps the compiled chunks between
// runs, in one pack file per game folder under os.UserCacheDir()/modscope
// (or $MODSCOPE_CACHE; "off" disables it), together with a (path, size,
// mtime, ctime) -> content hash memo so that a reopen neither reads nor
// hashes unchanged files. A corrupt, truncated or foreign pack is ignored
// entry by entry (everything falls back to compiling), and packs are
// written to a temporary file and renamed, so concurrent processes only
// ever see whole packs.

// CacheEnv names the environment variable that moves ("DIR") or disables
// ("off") the disk cache.
const CacheEnv = "MODSCOPE_CACHE"

// diskMinFiles: a Precompile of fewer files does not use the disk cache;
// compiling a handful of files is faster than opening a pack.
var diskMinFiles = 100

// packMagic starts every pack file.
// packMagic names the pack format: "2" added the file's identity (inode
// and device) to its stat key; "3" has no entry count: entries run to the
// end of the file, so that a save appends what is new (appendPack).
const packMagic = "MSCCPAK3"

// packTrimAge: packs unused this long, or whose folder is gone, are removed
// (checked at most once a day, when a pack is written).
const packTrimAge = 30 * 24 * time.Hour

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// CompileStats counts what the compile cache did.
type CompileStats struct {
	Compiled  int   // files parsed and compiled
	MemHits   int   // answered from memory
	DiskHits  int   // decoded from the disk cache
	Unread    int   // of the hits, files not even read (size and times unchanged)
	Errors    int   // compile errors (cached in memory too)
	PackBytes int64 // size of the pack read at start
	Saved     int   // entries in the last pack written
	DiskErr   string
}

// statKey is what says a file is unchanged without reading it. The
// identity of the file (ino, dev: the target of a link) is part of it: a
// link retargeted to another file with the same size and times is another
// file (containment.md).
type statKey struct {
	size, mtime, ctime int64
	ino, dev           uint64
}

type memoEntry struct {
	stat statKey
	key  [32]byte
	blob []byte // encoded chunk from the pack read at start, until released
	crc  uint32 // blob's checksum (or the spooled one's)

	// A chunk compiled since the last save is encoded into the spool file
	// (compileCache.spool) at [off, off+n) rather than kept in memory
	// until the pack is written.
	spooled bool
	off     int64
	n       int

	seen bool // found in the folder, unchanged, by this process
}

type flight struct {
	done chan struct{}
	p    *lua.FunctionProto
	err  error
}

// compileCache is the Game's compile cache; its zero value is ready.
type compileCache struct {
	mu       sync.Mutex
	protos   map[[32]byte]*lua.FunctionProto
	errs     map[[32]byte]error
	memo     map[string]*memoEntry // path -> what its content was last time
	inflight map[string]*flight
	fresh    map[string]*memoEntry // compiled since the last save, blobs spooled or in memory
	stats    CompileStats
	noMemo   bool // benchmarks: always read and hash

	dirSet   bool
	dir      string // disk cache folder; "" when off
	diskOnce sync.Once
	diskOn   bool
	pack     string         // this folder's pack file
	packSize int64          // its size when read or last written by this process
	packDead int64          // bytes of its entries that later ones replace (about)
	packOK   bool           // read whole or written here: appending to it is safe
	saving   sync.WaitGroup // background saves under way
	saveMu   sync.Mutex     // one save at a time

	spoolMu   sync.Mutex
	spool     *os.File // encoded fresh chunks waiting for the next save; unlinked when it can be
	spoolName string   // its name when it could not be unlinked while open
	spoolEnd  int64
	spoolBad  bool // the spool failed: fresh blobs stay in memory

	life   sync.Mutex // guards closed and active
	idle   *sync.Cond // signalled when active drops to 0
	closed atomic.Bool
	active int // Precompile calls under way
}

// begin registers a Precompile; false once the game is closing.
func (cc *compileCache) begin() bool {
	cc.life.Lock()
	defer cc.life.Unlock()
	if cc.closed.Load() {
		return false
	}
	cc.active++
	return true
}

func (cc *compileCache) end() {
	cc.life.Lock()
	defer cc.life.Unlock()
	cc.active--
	if cc.active == 0 && cc.idle != nil {
		cc.idle.Broadcast()
	}
}

// shut stops Precompile calls (their workers finish the file in hand) and
// waits for them.
func (cc *compileCache) shut() {
	cc.life.Lock()
	defer cc.life.Unlock()
	cc.closed.Store(true)
	if cc.idle == nil {
		cc.idle = sync.NewCond(&cc.life)
	}
	for cc.active > 0 {
		cc.idle.Wait()
	}
}

func (cc *compileCache) initMaps() {
	if cc.protos == nil {
		cc.protos = map[[32]byte]*lua.FunctionProto{}
		cc.errs = map[[32]byte]error{}
		cc.memo = map[string]*memoEntry{}
		cc.inflight = map[string]*flight{}
		cc.fresh = map[string]*memoEntry{}
	}
}

// SetCompileCacheDir sets the disk cache folder ("" turns the disk cache
// off). It only has an effect before the first Precompile.
func (g *Game) SetCompileCacheDir(dir string) {
	g.cc.mu.Lock()
	g.cc.dir, g.cc.dirSet = dir, true
	g.cc.mu.Unlock()
}

// CompileStats reports what the compile cache did so far.
func (g *Game) CompileStats() CompileStats {
	g.cc.mu.Lock()
	defer g.cc.mu.Unlock()
	return g.cc.stats
}

// DefaultCacheDir is where the disk cache lives unless $MODSCOPE_CACHE says
// otherwise; "" means off.
func DefaultCacheDir() string {
	switch v := os.Getenv(CacheEnv); v {
	case "off", "0", "none":
		return ""
	case "":
		d, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		return filepath.Join(d, "modscope")
	default:
		return v
	}
}

// Precompile parses and compiles paths (folder-relative game files) on every
// core, into the cache that Compile reads, so that running them later does
// not wait for the parser. Give it the files in the order they will run.
// Compile errors are not returned here: Compile returns them (from the
// cache) when the file runs. It is safe to call Precompile in a goroutine
// while contexts run files: a Compile of a file being compiled waits for
// it instead of compiling it twice. A batch of diskMinFiles or more also
// reads the folder's disk cache first and writes what was new to it after
// (in the background; Close waits for it), so give it every file of a load
// in one call. The pack stays in memory until its entries are used.
func (g *Game) Precompile(paths []string) {
	cc := &g.cc
	if !cc.begin() {
		return // closing
	}
	defer cc.end()
	if len(paths) >= diskMinFiles {
		g.openDisk()
	}
	workers := min(runtime.GOMAXPROCS(0), len(paths))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(paths) || cc.closed.Load() {
					return
				}
				if _, err := g.compile(paths[i]); err != nil {
					continue // recorded; Compile returns it when the file runs
				}
			}
		})
	}
	wg.Wait()
	cc.mu.Lock()
	on := cc.diskOn
	cc.mu.Unlock()
	if on { // written in the background; Close waits for it
		cc.saving.Add(1)
		go func() {
			defer cc.saving.Done()
			g.saveDisk()
		}()
	}
}

// flushCompileCache stops any Precompile under way, waits for background
// writes and writes what is new to the disk cache (Close calls it).
func (g *Game) flushCompileCache() {
	g.cc.shut()
	g.cc.saving.Wait()
	g.saveDisk()
	if err := g.cc.closeSpool(); err != nil {
		g.cc.mu.Lock()
		g.cc.stats.DiskErr = err.Error()
		g.cc.mu.Unlock()
	}
}

// compile is Game.Compile: memory, then the disk cache, then the parser.
func (g *Game) compile(rel string) (*lua.FunctionProto, error) {
	c, err := g.clean(rel)
	if err != nil {
		return nil, &CompileError{File: rel, Msg: err.Error()}
	}
	cc := &g.cc
	cc.mu.Lock()
	cc.initMaps()
	if f := cc.inflight[c]; f != nil {
		cc.mu.Unlock()
		<-f.done
		return f.p, f.err
	}
	f := &flight{done: make(chan struct{})}
	cc.inflight[c] = f
	cc.mu.Unlock()
	f.p, f.err = g.compileOnce(c)
	cc.mu.Lock()
	delete(cc.inflight, c)
	cc.mu.Unlock()
	close(f.done)
	return f.p, f.err
}

func (g *Game) compileOnce(c string) (*lua.FunctionProto, error) {
	cc := &g.cc
	// Unchanged since last time (same size and times): no read, no hash.
	sk, statOK := g.memoStat(c)
	if !statOK {
		if st, err := g.root.Stat(c); err == nil && st.Mode().IsRegular() && st.Size() <= MaxSourceBytes {
			sk, statOK = statKeyOf(st), true
		}
	}
	if statOK && !cc.noMemo {
		cc.mu.Lock()
		m := cc.memo[c]
		if m != nil && m.stat == sk {
			if p := cc.protos[m.key]; p != nil {
				cc.stats.MemHits++
				cc.stats.Unread++
				cc.mu.Unlock()
				return p, nil
			}
			if blob := m.blob; blob != nil {
				cc.mu.Unlock()
				if p, err := decodeProto(blob); err == nil {
					cc.mu.Lock()
					cc.protos[m.key] = p
					m.blob = nil
					cc.stats.DiskHits++
					cc.stats.Unread++
					cc.mu.Unlock()
					return p, nil
				}
				cc.mu.Lock()
				m.blob = nil // corrupt: compile below
			}
		}
		cc.mu.Unlock()
	}
	src, err := g.ReadFile(c)
	if err != nil {
		return nil, &CompileError{File: c, Msg: err.Error()}
	}
	key := contentKey(c, src)
	cc.mu.Lock()
	if p := cc.protos[key]; p != nil {
		cc.stats.MemHits++
		cc.remember(c, sk, statOK, key, nil)
		cc.mu.Unlock()
		return p, nil
	}
	if e := cc.errs[key]; e != nil {
		cc.mu.Unlock()
		return nil, e
	}
	if m := cc.memo[c]; m != nil && m.key == key && m.blob != nil {
		blob := m.blob
		cc.mu.Unlock()
		if p, err := decodeProto(blob); err == nil {
			cc.mu.Lock()
			cc.protos[key] = p
			cc.stats.DiskHits++
			cc.remember(c, sk, statOK, key, &memoEntry{blob: blob, crc: crc32.Checksum(blob, crcTable)}) // the times changed: save them
			cc.mu.Unlock()
			return p, nil
		}
		cc.mu.Lock()
	}
	disk := cc.diskOn
	cc.mu.Unlock()

	g.compiles.Add(1)
	p, err := compileSource(c, src)
	var fresh *memoEntry
	if err == nil && disk {
		fresh = cc.freshEntry(p)
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if err != nil {
		cc.errs[key] = err
		cc.stats.Errors++
		return nil, err
	}
	cc.protos[key] = p
	cc.stats.Compiled++
	cc.remember(c, sk, statOK, key, fresh)
	return p, nil
}

// encodeBufs are the workers' encoding buffers (a chunk is encoded, then
// copied into the spool).
var encodeBufs = sync.Pool{New: func() any { return new([]byte) }}

// freshEntry encodes a newly compiled chunk for the next save: into the
// spool file, so that a cold load does not hold every encoded chunk in
// memory until the pack is written, or, when the spool cannot be written,
// into memory. Nil when p cannot be encoded.
func (cc *compileCache) freshEntry(p *lua.FunctionProto) *memoEntry {
	bp := encodeBufs.Get().(*[]byte)
	defer encodeBufs.Put(bp)
	b, err := encodeProto((*bp)[:0], p)
	if err != nil {
		return nil
	}
	*bp = b[:0]
	m := &memoEntry{crc: crc32.Checksum(b, crcTable), n: len(b)}
	if off, ok := cc.spoolWrite(b); ok {
		m.spooled, m.off = true, off
	} else {
		m.blob = bytes.Clone(b)
	}
	return m
}

// spoolWrite appends b to the spool file (created at the first write, next
// to the pack); ok false when the spool cannot be used.
func (cc *compileCache) spoolWrite(b []byte) (off int64, ok bool) {
	cc.spoolMu.Lock()
	defer cc.spoolMu.Unlock()
	if cc.spoolBad {
		return 0, false
	}
	if cc.spool == nil {
		dir := filepath.Dir(cc.pack)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			cc.spoolBad = true
			return 0, false
		}
		f, err := os.CreateTemp(dir, ".spool-*")
		if err != nil {
			cc.spoolBad = true
			return 0, false
		}
		if err := os.Remove(f.Name()); err != nil {
			cc.spoolName = f.Name() // not while open (Windows): removed when closed
		}
		cc.spool = f
	}
	off = cc.spoolEnd
	if _, err := cc.spool.WriteAt(b, off); err != nil {
		cc.spoolBad = true
		return 0, false
	}
	cc.spoolEnd += int64(len(b))
	return off, true
}

// closeSpool closes and removes the spool (after the last save).
func (cc *compileCache) closeSpool() error {
	cc.spoolMu.Lock()
	defer cc.spoolMu.Unlock()
	if cc.spool == nil {
		return nil
	}
	err := cc.spool.Close()
	if cc.spoolName != "" {
		if rerr := os.Remove(cc.spoolName); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			err = errors.Join(err, rerr)
		}
	}
	cc.spool, cc.spoolName, cc.spoolBad = nil, "", true
	if err != nil {
		return fmt.Errorf("compile cache: close the spool: %w", err)
	}
	return nil
}

// blobOf returns m's encoded chunk, reading a spooled one into buf.
func (cc *compileCache) blobOf(m *memoEntry, buf []byte) ([]byte, error) {
	if !m.spooled {
		return m.blob, nil
	}
	buf = slices.Grow(buf[:0], m.n)[:m.n]
	cc.spoolMu.Lock()
	f := cc.spool
	cc.spoolMu.Unlock()
	if f == nil {
		return nil, errors.New("compile cache: the spool is closed")
	}
	if _, err := f.ReadAt(buf, m.off); err != nil {
		return nil, fmt.Errorf("compile cache: read the spool: %w", err)
	}
	return buf, nil
}

// memoStat is the fast check for an unchanged file: one stat(2) of the
// file's path, where the root's Stat opens every folder on the way (about
// a sixth of a reopen's compile-cache time). It only ever answers "the
// same file as last time": the memo's key came from a Stat through the
// root (in this process or the one that wrote the pack) and names the file
// by its identity (device and inode) and its size and times, which no
// write leaves unchanged (ctime cannot be set back). A match therefore
// means the very file whose content was read and compiled inside the
// folder, unchanged; anything else (no memo, another file, a path that
// now leads elsewhere) says no, and the root decides as before.
func (g *Game) memoStat(c string) (statKey, bool) {
	cc := &g.cc
	cc.mu.Lock()
	known := cc.memo[c] != nil
	cc.mu.Unlock()
	if cc.noMemo || !known { // a first compile: the root's Stat below
		return statKey{}, false
	}
	st, err := os.Stat(filepath.Join(g.Dir, filepath.FromSlash(c)))
	if err != nil || !st.Mode().IsRegular() {
		return statKey{}, false
	}
	sk := statKeyOf(st)
	if sk.ino == 0 && sk.dev == 0 {
		return statKey{}, false // no file identity on this system
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if m := cc.memo[c]; m != nil && m.stat == sk {
		m.seen = true
		return sk, true
	}
	return statKey{}, false
}

// remember records path c's content key (mu held); with fresh (its encoded
// chunk), the entry is new for the disk cache.
func (cc *compileCache) remember(c string, sk statKey, statOK bool, key [32]byte, fresh *memoEntry) {
	if old := cc.memo[c]; old != nil && old.key != key {
		delete(cc.protos, old.key) // the path's previous content; keys include the path
	}
	if !statOK {
		delete(cc.memo, c)
		return
	}
	m := &memoEntry{stat: sk, key: key, seen: true}
	cc.memo[c] = m
	if fresh != nil {
		fresh.stat, fresh.key = sk, key
		cc.fresh[c] = fresh
	}
}

func contentKey(c string, src []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte(c))
	h.Write([]byte{0})
	h.Write(src)
	var key [32]byte
	h.Sum(key[:0])
	return key
}

// ---- the pack file ----

// openDisk resolves the cache folder and reads this folder's pack, once.
func (g *Game) openDisk() {
	cc := &g.cc
	cc.diskOnce.Do(func() {
		cc.mu.Lock()
		cc.initMaps()
		dir := cc.dir
		if !cc.dirSet {
			dir = DefaultCacheDir()
		}
		if dir == "" || !protoCodecOK() {
			cc.mu.Unlock()
			return
		}
		sum := sha256.Sum256([]byte(g.Dir))
		cc.pack = filepath.Join(dir, "packs", hex.EncodeToString(sum[:16])+".pack")
		cc.diskOn = true
		cc.mu.Unlock()
		entries, n, dead, err := readPack(cc.pack, g.Dir)
		cc.mu.Lock()
		defer cc.mu.Unlock()
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
func readPack(file, folder string) (entries map[string]*memoEntry, size, dead int64, err error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, 0, 0, err
	}
	out := map[string]*memoEntry{}
	size = int64(len(data))
	d := &decoder{b: data}
	if string(d.bytes(len(packMagic))) != packMagic || d.uvarint() != protoFormat ||
		d.str() != cacheVersion() || d.str() != folder || d.err != nil {
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
func (g *Game) saveDisk() {
	cc := &g.cc
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
		return seen || g.Exists(path)
	}
	n, written, err := writePack(cc.pack, g.Dir, fresh, exists, cc.blobOf)
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
func writePack(file, folder string, fresh map[string]*memoEntry, exists func(string) bool,
	blob func(m *memoEntry, buf []byte) ([]byte, error)) (int, int64, error) {
	old, _, _, err := readPack(file, folder)
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
	b = appendString(b, cacheVersion())
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
