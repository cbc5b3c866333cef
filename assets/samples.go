package assets

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// samples is the bundled sample game folders, one per context model, built
// into the binary so that they are there wherever the program is installed.
//
//go:embed all:samples
var samples embed.FS

// sampleOrder puts the three models' samples first, in model order.
var sampleOrder = []string{"autorun", "sectors", "scripts"}

// SampleNames lists the bundled samples: the models' own first (autorun,
// sectors, scripts), then any other, alphabetically.
func SampleNames() []string {
	ents, err := samples.ReadDir("samples")
	if err != nil {
		return nil
	}
	var out, rest []string
	for _, e := range ents {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if slices.Contains(sampleOrder, e.Name()) {
			continue
		}
		rest = append(rest, e.Name())
	}
	for _, n := range sampleOrder {
		if _, err := fs.Stat(samples, "samples/"+n); err == nil {
			out = append(out, n)
		}
	}
	return append(out, rest...)
}

// Sample returns the files of the bundled sample NAME, rooted at its folder.
func Sample(name string) (fs.FS, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return nil, fmt.Errorf("no bundled sample %q (there are: %s)", name, strings.Join(SampleNames(), ", "))
	}
	st, err := fs.Stat(samples, "samples/"+name)
	if err != nil || !st.IsDir() {
		return nil, fmt.Errorf("no bundled sample %q (there are: %s)", name, strings.Join(SampleNames(), ", "))
	}
	return fs.Sub(samples, "samples/"+name)
}

// ExtractSample writes the bundled sample NAME into the new folder dest
// (created; its parent must exist). Files are written read-write for the
// user, so the copy can be edited.
func ExtractSample(name, dest string) error {
	src, err := Sample(name)
	if err != nil {
		return err
	}
	if err := os.Mkdir(dest, 0o755); err != nil {
		return fmt.Errorf("extract sample %s: %w", name, err)
	}
	return fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("extract sample %s: %s: %w", name, p, err)
		}
		if p == "." {
			return nil
		}
		out := filepath.Join(dest, filepath.FromSlash(p))
		if d.IsDir() {
			if err := os.Mkdir(out, 0o755); err != nil {
				return fmt.Errorf("extract sample %s: %w", name, err)
			}
			return nil
		}
		data, err := fs.ReadFile(src, p)
		if err != nil {
			return fmt.Errorf("extract sample %s: %s: %w", name, p, err)
		}
		if err := os.WriteFile(out, data, 0o644); err != nil {
			return fmt.Errorf("extract sample %s: %w", name, err)
		}
		return nil
	})
}

// sampleHash fingerprints the bundled sample NAME's paths and contents.
func sampleHash(name string) (string, error) {
	src, err := Sample(name)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	err = fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%v\x00", p, d.IsDir())
		if !d.IsDir() {
			data, err := fs.ReadFile(src, p)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%d\x00", len(data))
			h.Write(data)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("sample %s: %w", name, err)
	}
	return hex.EncodeToString(h.Sum(nil)[:12]), nil
}

// stampFile, inside a copied sample, names the bundled version it was
// copied from.
const stampFile = ".modscope-sample"

// DataDir is modscope's folder under the user's data directory:
// $XDG_DATA_HOME/modscope (~/.local/share/modscope) on Linux and the BSDs,
// ~/Library/Application Support/modscope on macOS, %LocalAppData%\modscope
// on Windows. It is not created.
func DataDir() (string, error) {
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "modscope"), nil
		}
		return "", errors.New("user data directory: %LocalAppData% is not set")
	case "darwin", "ios":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("user data directory: %w", err)
		}
		return filepath.Join(home, "Library", "Application Support", "modscope"), nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "modscope"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("user data directory: %w", err)
	}
	return filepath.Join(home, ".local", "share", "modscope"), nil
}

// UserSample returns a writable copy of the bundled sample NAME under
// DataDir()/samples/NAME, copying it there first if needed. A copy made
// from this very version of the sample is reused as it is, with the
// person's edits. A copy of another version (an older modscope) is moved
// aside to NAME.<date-time> and the sample copied afresh, so that edits are
// never lost.
func UserSample(name string) (string, error) {
	data, err := DataDir()
	if err != nil {
		return "", err
	}
	return userSample(name, filepath.Join(data, "samples"), time.Now)
}

func userSample(name, root string, now func() time.Time) (string, error) {
	want, err := sampleHash(name)
	if err != nil {
		return "", err
	}
	dest := filepath.Join(root, name)
	if stamp, err := os.ReadFile(filepath.Join(dest, stampFile)); err == nil && strings.TrimSpace(string(stamp)) == want {
		return dest, nil
	}
	if _, err := os.Lstat(dest); err == nil {
		// another version's copy, or something else in the way: keep it
		aside := dest + "." + now().Format("20060102-150405")
		if err := os.Rename(dest, aside); err != nil {
			return "", fmt.Errorf("sample %s: move the older copy aside: %w", name, err)
		}
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("sample %s: %w", name, err)
	}
	// Extract next to the destination, then rename: a copy is whole or absent.
	tmp, err := os.MkdirTemp(root, "."+name+"-")
	if err != nil {
		return "", fmt.Errorf("sample %s: %w", name, err)
	}
	if err := os.Remove(tmp); err != nil {
		return "", fmt.Errorf("sample %s: %w", name, err)
	}
	if err := ExtractSample(name, tmp); err != nil {
		return "", errors.Join(err, os.RemoveAll(tmp))
	}
	if err := os.WriteFile(filepath.Join(tmp, stampFile), []byte(want+"\n"), 0o644); err != nil {
		return "", errors.Join(fmt.Errorf("sample %s: %w", name, err), os.RemoveAll(tmp))
	}
	if err := os.Rename(tmp, dest); err != nil {
		return "", errors.Join(fmt.Errorf("sample %s: %w", name, err), os.RemoveAll(tmp))
	}
	return dest, nil
}
