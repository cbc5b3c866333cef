package buffer

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Stamp identifies the content of a file on disk when it was loaded or
// saved, to notice changes made by others before overwriting them.
type Stamp struct {
	Size    int64
	ModTime time.Time
	SHA256  [sha256.Size]byte
}

// IsZero reports whether s is the zero Stamp, which stands for "no file".
func (s Stamp) IsZero() bool { return s == Stamp{} }

// ChangedOnDiskError is returned by SaveAtomic when the file on disk is no
// longer the one described by the expected Stamp. ErrChangedOnDisk matches
// it with errors.Is; errors.As gives the details.
type ChangedOnDiskError struct {
	Op, Path string
	Expected Stamp // what the caller loaded (zero: it expected no file)
	Actual   Stamp // what is on disk now
}

// ErrChangedOnDisk matches every *ChangedOnDiskError with errors.Is.
var ErrChangedOnDisk error = &ChangedOnDiskError{}

func (e *ChangedOnDiskError) Error() string {
	what := "changed on disk since it was loaded"
	switch {
	case e.Expected.IsZero():
		what = "was created on disk meanwhile"
	case e.Actual.Size != e.Expected.Size:
		what = fmt.Sprintf("changed on disk since it was loaded (%d bytes, now %d)", e.Expected.Size, e.Actual.Size)
	}
	if e.Op == "" && e.Path == "" {
		return "file changed on disk"
	}
	return e.Op + " " + e.Path + ": file " + what
}

// Is makes errors.Is(err, ErrChangedOnDisk) true for every
// *ChangedOnDiskError.
func (e *ChangedOnDiskError) Is(target error) bool {
	_, ok := target.(*ChangedOnDiskError)
	return ok
}

// pathError wraps err as a *fs.PathError naming op and path, dropping an
// inner *fs.PathError about the same path (its op is less telling).
func pathError(op, path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == path {
		err = pe.Err
	}
	return &fs.PathError{Op: op, Path: path, Err: err}
}

// Load reads the file at path and returns its content with its Stamp.
// Errors are *fs.PathError with Op "load".
func Load(path string) (string, Stamp, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", Stamp{}, pathError("load", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", Stamp{}, pathError("load", path, err)
	}
	if st.IsDir() {
		return "", Stamp{}, pathError("load", path, errors.New("is a directory"))
	}
	var buf bytes.Buffer
	buf.Grow(int(st.Size()) + 1)
	if _, err := io.Copy(&buf, f); err != nil {
		return "", Stamp{}, pathError("load", path, err)
	}
	data := buf.Bytes()
	return string(data), Stamp{Size: int64(len(data)), ModTime: st.ModTime(), SHA256: sha256.Sum256(data)}, nil
}

// SaveAtomic writes data to path and returns the new Stamp. The data goes to
// a temporary file in the same directory, which is synced and then renamed
// over path, so the file is never seen half-written; an existing file's
// permission bits are kept (new files get 0644), and a symbolic link is
// followed (its target is replaced, the link kept).
//
// expected is the Stamp from Load (or the previous save): when the file on
// disk no longer has that size and content (SHA-256) — or exists although
// expected is zero — nothing is written and the error is a
// *ChangedOnDiskError (errors.Is(err, ErrChangedOnDisk)); the caller may ask
// and then ForceSaveAtomic. A file deleted meanwhile is simply written
// again. Other errors are *fs.PathError with Op "save".
func SaveAtomic(path string, data []byte, expected Stamp) (Stamp, error) {
	return save(path, data, expected, true)
}

// ForceSaveAtomic is SaveAtomic without the changed-on-disk check.
func ForceSaveAtomic(path string, data []byte) (Stamp, error) {
	return save(path, data, Stamp{}, false)
}

func save(path string, data []byte, expected Stamp, check bool) (Stamp, error) {
	target := path
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if t, err := filepath.EvalSymlinks(path); err == nil {
			target = t
		}
	}
	mode := fs.FileMode(0o644)
	fi, err := os.Stat(target)
	switch {
	case err == nil:
		if fi.IsDir() {
			return expected, pathError("save", path, errors.New("is a directory"))
		}
		mode = fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
		if check {
			if err := checkUnchanged(path, target, fi, expected); err != nil {
				return expected, err
			}
		}
	case !errors.Is(err, fs.ErrNotExist):
		return expected, pathError("save", path, err)
	}

	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return expected, pathError("save", path, err)
	}
	name := tmp.Name()
	fail := func(err error) (Stamp, error) {
		tmp.Close()
		os.Remove(name)
		return expected, pathError("save", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(name, target); err != nil {
		os.Remove(name)
		return expected, pathError("save", path, err)
	}
	if d, err := os.Open(dir); err == nil { // make the rename durable (best effort)
		d.Sync()
		d.Close()
	}
	st, err := os.Stat(target)
	if err != nil {
		return expected, pathError("save", path, err)
	}
	return Stamp{Size: int64(len(data)), ModTime: st.ModTime(), SHA256: sha256.Sum256(data)}, nil
}

// checkUnchanged compares the file at target (whose info is fi) with
// expected; the content decides, so a file only touched is unchanged.
func checkUnchanged(path, target string, fi fs.FileInfo, expected Stamp) error {
	changed := func(actual Stamp) error {
		return &ChangedOnDiskError{Op: "save", Path: path, Expected: expected, Actual: actual}
	}
	if expected.IsZero() {
		return changed(Stamp{Size: fi.Size(), ModTime: fi.ModTime()})
	}
	if fi.Size() != expected.Size {
		return changed(Stamp{Size: fi.Size(), ModTime: fi.ModTime()})
	}
	f, err := os.Open(target)
	if err != nil {
		return pathError("save", path, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return pathError("save", path, err)
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	if sum != expected.SHA256 {
		return changed(Stamp{Size: n, ModTime: fi.ModTime(), SHA256: sum})
	}
	return nil
}
