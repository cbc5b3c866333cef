package assets

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSampleNames(t *testing.T) {
	got := SampleNames()
	if len(got) < 3 || !slices.Equal(got[:3], []string{"autorun", "sectors", "scripts"}) {
		t.Fatalf("SampleNames() = %q, want the three models' samples first", got)
	}
	// the embedded samples are the folders under assets/samples
	ents, err := os.ReadDir("samples")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range ents {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	slices.Sort(dirs)
	sorted := slices.Sorted(slices.Values(got))
	if !slices.Equal(sorted, dirs) {
		t.Errorf("embedded %q, on disk %q", sorted, dirs)
	}
}

func TestSampleRejectsBadNames(t *testing.T) {
	for _, name := range []string{"", ".", "..", "../assets", "autorun/Lua", `a\b`, "nope"} {
		if _, err := Sample(name); err == nil || !strings.Contains(err.Error(), "no bundled sample") {
			t.Errorf("Sample(%q): %v", name, err)
		}
	}
}

// TestExtractSampleMatchesTree: an extracted sample holds exactly the files
// of assets/samples/NAME.
func TestExtractSampleMatchesTree(t *testing.T) {
	for _, name := range SampleNames() {
		t.Run(name, func(t *testing.T) {
			dest := filepath.Join(t.TempDir(), name)
			if err := ExtractSample(name, dest); err != nil {
				t.Fatal(err)
			}
			want := treeOf(t, os.DirFS(filepath.Join("samples", name)))
			got := treeOf(t, os.DirFS(dest))
			if !slices.Equal(got, want) {
				t.Errorf("extracted %q\nwant %q", got, want)
			}
		})
	}
}

func treeOf(t *testing.T, fsys fs.FS) []string {
	t.Helper()
	var out []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		out = append(out, p+"="+string(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestUserSample: the writable copy is made once, kept with its edits while
// the sample is unchanged, and moved aside (never deleted) when the copy
// comes from another version of the sample.
func TestUserSample(t *testing.T) {
	root := filepath.Join(t.TempDir(), "samples")
	clock := time.Date(2026, 12, 2, 5, 30, 0, 0, time.UTC)
	now := func() time.Time { return clock }

	dir, err := userSample("scripts", root, now)
	if err != nil {
		t.Fatal(err)
	}
	if dir != filepath.Join(root, "scripts") {
		t.Fatalf("copy at %s", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "scene.toml")); err != nil {
		t.Fatal(err)
	}
	edited := filepath.Join(dir, "scene.toml")
	if err := os.WriteFile(edited, []byte("# my edit\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	t.Run("same version keeps edits", func(t *testing.T) {
		if _, err := userSample("scripts", root, now); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(edited); string(b) != "# my edit\n" {
			t.Errorf("the edit is gone: %q", b)
		}
	})
	t.Run("another version is moved aside", func(t *testing.T) {
		if err := os.WriteFile(filepath.Join(dir, stampFile), []byte("older\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := userSample("scripts", root, now); err != nil {
			t.Fatal(err)
		}
		aside := filepath.Join(root, "scripts.20261202-053000")
		if b, err := os.ReadFile(filepath.Join(aside, "scene.toml")); err != nil || string(b) != "# my edit\n" {
			t.Errorf("the old copy was not kept at %s: %q, %v", aside, b, err)
		}
		if b, _ := os.ReadFile(edited); string(b) == "# my edit\n" {
			t.Errorf("the fresh copy still has the old edit")
		}
	})
	t.Run("something else in the way is moved aside", func(t *testing.T) {
		other := filepath.Join(root, "sectors")
		if err := os.WriteFile(other, []byte("a file"), 0o644); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(time.Second)
		if _, err := userSample("sectors", root, now); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(other); err != nil || !st.IsDir() {
			t.Errorf("no fresh sectors copy: %v", err)
		}
	})
	t.Run("no temporary folders left", func(t *testing.T) {
		ents, _ := os.ReadDir(root)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".") {
				t.Errorf("left behind: %s", e.Name())
			}
		}
	})
}

func TestDataDirFollowsXDG(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/xdg/data")
	d, err := DataDir()
	if err != nil {
		t.Fatal(err)
	}
	if filepath.ToSlash(d) != "/xdg/data/modscope" && !strings.HasSuffix(d, "modscope") {
		t.Errorf("DataDir() = %s", d)
	}
}
