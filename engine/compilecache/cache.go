package compilecache

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	lua "github.com/yuin/gopher-lua"
)

// Env names the environment variable that moves ("DIR") or disables
// ("off") the disk cache.
const Env = "MODSCOPE_CACHE"

// DiskMinFiles: a Precompile of fewer files does not use the disk cache;
// compiling a handful of files is faster than opening a pack (tests lower
// it).
var DiskMinFiles = 100

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// Stats counts what the compile cache did.
type Stats struct {
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

// Source is the folder a Cache compiles from (the engine's Game). Paths
// are folder-relative; the errors it returns are handed on as they are.
type Source interface {
	// Clean checks and normalises a path given to Get or Precompile.
	Clean(path string) (string, error)
	// Stat describes a clean path's file (size, times, identity) without
	// leaving the folder (through its os.Root).
	Stat(path string) (fs.FileInfo, error)
	// ReadFile reads a clean path's file, inside the folder.
	ReadFile(path string) ([]byte, error)
	// Exists reports whether the file is still a regular file of the
	// folder (a rewritten pack drops the entries of files that are gone).
	Exists(path string) bool
	// Compile checks, parses and compiles a file's source; its errors are
	// cached with the content, as its chunks are. It should Compact what
	// it returns.
	Compile(path string, src []byte) (*lua.FunctionProto, error)
}

// Config is what New needs besides the Source.
type Config struct {
	// Folder is the folder's absolute path: its pack is chosen by it and
	// records it, and the memo's fast check stats files under it.
	Folder string
	// MaxSourceBytes: a larger file is never answered without reading it.
	MaxSourceBytes int64
	// Salt is part of the cache's version (the compiler's refusal limits):
	// a pack written under another is ignored.
	Salt string
}

// Cache is the compile cache of one opened folder; New makes it.
type Cache struct {
	src Source
	cfg Config

	// NoMemo makes every Get read and hash its file (benchmarks; set it
	// before the first Get).
	NoMemo bool

	mu       sync.Mutex
	protos   map[[32]byte]*lua.FunctionProto
	errs     map[[32]byte]error
	memo     map[string]*memoEntry // path -> what its content was last time
	inflight map[string]*flight
	fresh    map[string]*memoEntry // compiled since the last save, blobs spooled or in memory
	stats    Stats

	dirSet   bool
	dir      string // disk cache folder; "" when off
	diskOnce sync.Once
	diskOn   bool
	// packReading is open while the pack is being read: a file asked for
	// meanwhile waits for it rather than compiling what the pack holds
	// (and appending it to the pack again).
	packReading chan struct{}
	pack        string         // this folder's pack file
	version     string         // cacheVersion(cfg.Salt), set with pack
	packSize    int64          // its size when read or last written by this process
	packDead    int64          // bytes of its entries that later ones replace (about)
	packOK      bool           // read whole or written here: appending to it is safe
	saving      sync.WaitGroup // background saves under way
	saveMu      sync.Mutex     // one save at a time

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
func (cc *Cache) begin() bool {
	cc.life.Lock()
	defer cc.life.Unlock()
	if cc.closed.Load() {
		return false
	}
	cc.active++
	return true
}

func (cc *Cache) end() {
	cc.life.Lock()
	defer cc.life.Unlock()
	cc.active--
	if cc.active == 0 && cc.idle != nil {
		cc.idle.Broadcast()
	}
}

// shut stops Precompile calls (their workers finish the file in hand) and
// waits for them.
func (cc *Cache) shut() {
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

func (cc *Cache) initMaps() {
	if cc.protos == nil {
		cc.protos = map[[32]byte]*lua.FunctionProto{}
		cc.errs = map[[32]byte]error{}
		cc.memo = map[string]*memoEntry{}
		cc.inflight = map[string]*flight{}
		cc.fresh = map[string]*memoEntry{}
	}
}

// New makes the compile cache of the folder src; the disk cache is in
// DefaultDir() unless SetDir says otherwise.
func New(src Source, cfg Config) *Cache { return &Cache{src: src, cfg: cfg} }

// SetDir sets the disk cache folder ("" turns the disk cache off). It only
// has an effect before the first Precompile.
func (cc *Cache) SetDir(dir string) {
	cc.mu.Lock()
	cc.dir, cc.dirSet = dir, true
	cc.mu.Unlock()
}

// Stats reports what the cache did so far.
func (cc *Cache) Stats() Stats {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return cc.stats
}

// DefaultDir is where the disk cache lives unless $MODSCOPE_CACHE says
// otherwise; "" means off.
func DefaultDir() string {
	switch v := os.Getenv(Env); v {
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

// Precompile parses and compiles paths (folder-relative files) on every
// core, into the cache that Get reads, so that running them later does
// not wait for the parser. Give it the files in the order they will run.
// Compile errors are not returned here: Get returns them (from the cache)
// when the file runs. It is safe to call Precompile in a goroutine while
// contexts run files: a Get of a file being compiled waits for it instead
// of compiling it twice. A batch of DiskMinFiles or more also reads the
// folder's disk cache first and writes what was new to it after (in the
// background; Close waits for it), so give it every file of a load in one
// call. The pack stays in memory until its entries are used.
func (cc *Cache) Precompile(paths []string) {
	if !cc.begin() {
		return // closing
	}
	defer cc.end()
	if len(paths) >= DiskMinFiles {
		cc.openDisk()
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
				if _, err := cc.Get(paths[i]); err != nil {
					continue // recorded; Get returns it when the file runs
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
			cc.saveDisk()
		}()
	}
}

// Close stops any Precompile under way (its workers finish the file in
// hand), waits for background writes and writes what is new to the disk
// cache (the Game's Close calls it). Precompile does nothing after it.
func (cc *Cache) Close() {
	cc.shut()
	cc.saving.Wait()
	cc.saveDisk()
	if err := cc.closeSpool(); err != nil {
		cc.mu.Lock()
		cc.stats.DiskErr = err.Error()
		cc.mu.Unlock()
	}
}

// Get returns the compiled chunk of the folder's file rel, or its compile
// error: from memory, then the disk cache, then the Source's compiler. A
// Get of a file being compiled waits for it instead of compiling it twice.
func (cc *Cache) Get(rel string) (*lua.FunctionProto, error) {
	c, err := cc.src.Clean(rel)
	if err != nil {
		return nil, err
	}
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
	f.p, f.err = cc.compileOnce(c)
	cc.mu.Lock()
	delete(cc.inflight, c)
	cc.mu.Unlock()
	close(f.done)
	return f.p, f.err
}

func (cc *Cache) compileOnce(c string) (*lua.FunctionProto, error) {
	cc.mu.Lock()
	reading := cc.packReading
	cc.mu.Unlock()
	if reading != nil {
		<-reading
	}
	// Unchanged since last time (same size and times): no read, no hash.
	sk, statOK := cc.memoStat(c)
	if !statOK {
		if st, err := cc.src.Stat(c); err == nil && st.Mode().IsRegular() && st.Size() <= cc.cfg.MaxSourceBytes {
			sk, statOK = statKeyOf(st), true
		}
	}
	if statOK && !cc.NoMemo {
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
				if p, err := Decode(blob); err == nil {
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
	src, err := cc.src.ReadFile(c)
	if err != nil {
		return nil, err
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
		if p, err := Decode(blob); err == nil {
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

	p, err := cc.src.Compile(c, src)
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
func (cc *Cache) freshEntry(p *lua.FunctionProto) *memoEntry {
	bp := encodeBufs.Get().(*[]byte)
	defer encodeBufs.Put(bp)
	b, err := Encode((*bp)[:0], p)
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
func (cc *Cache) spoolWrite(b []byte) (off int64, ok bool) {
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
func (cc *Cache) closeSpool() error {
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
func (cc *Cache) blobOf(m *memoEntry, buf []byte) ([]byte, error) {
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
// now leads elsewhere) says no, and the root (Source.Stat) decides as
// before.
func (cc *Cache) memoStat(c string) (statKey, bool) {
	cc.mu.Lock()
	known := cc.memo[c] != nil
	cc.mu.Unlock()
	if cc.NoMemo || !known { // a first compile: the root's Stat below
		return statKey{}, false
	}
	st, err := os.Stat(filepath.Join(cc.cfg.Folder, filepath.FromSlash(c)))
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
func (cc *Cache) remember(c string, sk statKey, statOK bool, key [32]byte, fresh *memoEntry) {
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
