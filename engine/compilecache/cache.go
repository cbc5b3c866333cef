// Package compilecache keeps compiled Lua chunks so that every file of a
// game folder is parsed and compiled once per content: in memory for the
// life of an opened folder (a ReloadLua recompiles only what changed), and
// on disk between runs, one pack file per folder. It also holds the chunk
// codec (gopher-lua has no serializer). The engine's Game is its only user
// (engine/compilecache.go): it supplies the folder's files and the compiler.
package compilecache

import (
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

// Env names the environment variable that moves ("DIR") or disables
// ("off") the disk cache.
const Env = "MODSCOPE_CACHE"

// DiskMinFiles: a Precompile of fewer files does not use the disk cache;
// compiling a handful of files is faster than opening a pack (tests lower
// it).
var DiskMinFiles = 100

// packMagic starts every pack file.
// packMagic names the pack format: "2" added the file's identity (inode
// and device) to its stat key.
const packMagic = "MSCCPAK2"

// packTrimAge: packs unused this long, or whose folder is gone, are removed
// (checked at most once a day, when a pack is written).
const packTrimAge = 30 * 24 * time.Hour

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
}

type flight struct {
	done chan struct{}
	p    *lua.FunctionProto
	err  error
}

// Source is the folder a Cache compiles from. Paths are folder-relative;
// the errors it returns are handed on as they are.
type Source interface {
	// Clean checks and normalises a path given to Get or Precompile.
	Clean(path string) (string, error)
	// Stat describes a clean path's file (size, times, identity).
	Stat(path string) (fs.FileInfo, error)
	// ReadFile reads a clean path's file.
	ReadFile(path string) ([]byte, error)
	// Exists reports whether the file is still there (a pack drops the
	// entries of files that are gone).
	Exists(path string) bool
	// Compile parses and compiles a file's source; its errors are cached
	// with the content, as its chunks are.
	Compile(path string, src []byte) (*lua.FunctionProto, error)
}

// Config is what New needs besides the Source.
type Config struct {
	// Folder names the game folder: its pack is chosen by it and records it.
	Folder string
	// MaxSourceBytes: a larger file is never answered without reading it.
	MaxSourceBytes int64
	// Salt is part of the cache's version (the compiler's refusal limits):
	// a pack written under another is ignored.
	Salt string
}

// Cache is the compile cache of one opened folder.
type Cache struct {
	src Source
	cfg Config

	mu       sync.Mutex
	protos   map[[32]byte]*lua.FunctionProto
	errs     map[[32]byte]error
	memo     map[string]*memoEntry // path -> what its content was last time
	inflight map[string]*flight
	fresh    map[string]*memoEntry // compiled since the last save, with blobs
	stats    Stats
	// NoMemo makes every Get read and hash its file (benchmarks; set it
	// before use).
	NoMemo bool

	dirSet   bool
	dir      string // disk cache folder; "" when off
	diskOnce sync.Once
	diskOn   bool
	pack     string         // this folder's pack file
	saving   sync.WaitGroup // background saves under way
	saveMu   sync.Mutex     // one save at a time

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

// New makes the cache of the folder src; the disk cache is in
// DefaultDir() until SetDir says otherwise.
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
			cc.saveDisk()
		}()
	}
}

// Close stops any Precompile under way, waits for background writes and
// writes what is new to the disk cache.
func (cc *Cache) Close() {
	cc.shut()
	cc.saving.Wait()
	cc.saveDisk()
}

// Get returns the compiled chunk of the folder's file rel, or its compile
// error: from memory, then the disk cache, then the compiler. A Get of a
// file being compiled waits for it instead of compiling it twice.
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
	// Unchanged since last time (same size and times): no read, no hash.
	var sk statKey
	statOK := false
	if st, err := cc.src.Stat(c); err == nil && st.Mode().IsRegular() && st.Size() <= cc.cfg.MaxSourceBytes {
		sk, statOK = statKeyOf(st), true
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
			cc.remember(c, sk, statOK, key, blob) // the times changed: save them
			cc.mu.Unlock()
			return p, nil
		}
		cc.mu.Lock()
	}
	disk := cc.diskOn
	cc.mu.Unlock()

	p, err := cc.src.Compile(c, src)
	var blob []byte
	if err == nil && disk {
		if b, eerr := Encode(make([]byte, 0, len(src)), p); eerr == nil {
			blob = b
		}
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
	cc.remember(c, sk, statOK, key, blob)
	return p, nil
}

// remember records path c's content key (mu held); with a blob, the entry
// is new for the disk cache.
func (cc *Cache) remember(c string, sk statKey, statOK bool, key [32]byte, blob []byte) {
	if old := cc.memo[c]; old != nil && old.key != key {
		delete(cc.protos, old.key) // the path's previous content; keys include the path
	}
	if !statOK {
		delete(cc.memo, c)
		return
	}
	m := &memoEntry{stat: sk, key: key}
	cc.memo[c] = m
	if blob != nil {
		cc.fresh[c] = &memoEntry{stat: sk, key: key, blob: blob}
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
		sum := sha256.Sum256([]byte(cc.cfg.Folder))
		cc.pack = filepath.Join(dir, "packs", hex.EncodeToString(sum[:16])+".pack")
		cc.diskOn = true
		cc.mu.Unlock()
		entries, n, err := readPack(cc.pack, cc.cfg.Folder, cc.version())
		cc.mu.Lock()
		defer cc.mu.Unlock()
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			cc.stats.DiskErr = err.Error()
		}
		cc.stats.PackBytes = n
		for path, m := range entries {
			if cc.memo[path] == nil {
				cc.memo[path] = m
			}
		}
	})
}

// readPack reads a pack; entries that fail their checksum are left out,
// and a pack cut short keeps the entries before the cut.
func readPack(file, folder, version string) (map[string]*memoEntry, int64, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, 0, err
	}
	out := map[string]*memoEntry{}
	d := &decoder{b: data}
	if string(d.bytes(len(packMagic))) != packMagic || d.uvarint() != protoFormat ||
		d.str() != version || d.str() != folder || d.err != nil {
		return nil, int64(len(data)), fmt.Errorf("compile cache %s: not a pack of this version for this folder; ignored", file)
	}
	n := d.count(1)
	for i := 0; i < n && d.err == nil; i++ {
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
		if crc32.Checksum(blob, crcTable) != binary.LittleEndian.Uint32(sum) {
			continue
		}
		m.blob = blob
		out[path] = m
	}
	if d.err != nil {
		return out, int64(len(data)), fmt.Errorf("compile cache %s: %w after %d entries; the rest is compiled", file, d.err, len(out))
	}
	return out, int64(len(data)), nil
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
	n, err := writePack(cc.pack, cc.cfg.Folder, cc.version(), fresh, cc.src.Exists)
	cc.mu.Lock()
	defer cc.mu.Unlock()
	cc.stats.Saved = n
	if err != nil {
		cc.stats.DiskErr = err.Error()
	}
}

func writePack(file, folder, version string, fresh map[string]*memoEntry, exists func(string) bool) (int, error) {
	old, _, err := readPack(file, folder, version)
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
	size := 64
	for path, m := range all {
		size += len(path) + len(m.blob) + 64
	}
	b := make([]byte, 0, size)
	b = append(b, packMagic...)
	b = binary.AppendUvarint(b, protoFormat)
	b = appendString(b, version)
	b = appendString(b, folder)
	b = binary.AppendUvarint(b, uint64(len(all)))
	for path, m := range all {
		b = appendString(b, path)
		b = binary.AppendVarint(b, m.stat.size)
		b = binary.AppendVarint(b, m.stat.mtime)
		b = binary.AppendVarint(b, m.stat.ctime)
		b = binary.AppendUvarint(b, m.stat.ino)
		b = binary.AppendUvarint(b, m.stat.dev)
		b = append(b, m.key[:]...)
		b = binary.AppendUvarint(b, uint64(len(m.blob)))
		b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(m.blob, crcTable))
		b = append(b, m.blob...)
	}
	dir := filepath.Dir(file)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("compile cache: create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".pack-*")
	if err != nil {
		return 0, fmt.Errorf("compile cache: create temporary file in %s: %w", dir, err)
	}
	_, werr := tmp.Write(b)
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
		return 0, fmt.Errorf("compile cache: write %s: %w", file, werr)
	}
	if err := trimPacks(dir); err != nil {
		return len(all), err
	}
	return len(all), nil
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
