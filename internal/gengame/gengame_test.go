package gengame

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// smallSHA256 is the hash of the small preset with seed 1. When the
// generator changes on purpose, run the test, check the tree by hand
// (go run ./cmd/gengame -out /tmp/x -preset small) and update it.
const smallSHA256 = "5e17ef42a0bfd3b287eed2359e105b273d9bdf784eae8317cf8a317be9e2924b"

func count(t *testing.T, preset string, seed uint64) (*Manifest, map[string][]byte) {
	t.Helper()
	files := map[string][]byte{}
	m, err := Build(preset, seed, func(rel string, data []byte) error {
		if _, dup := files[rel]; dup {
			t.Fatalf("%s written twice", rel)
		}
		files[rel] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m, files
}

func TestSmallIsDeterministic(t *testing.T) {
	a, _ := count(t, "small", 1)
	b, _ := count(t, "small", 1)
	if a.SHA256 != b.SHA256 {
		t.Fatalf("two builds of small/1 differ: %s and %s", a.SHA256, b.SHA256)
	}
	if a.SHA256 != smallSHA256 {
		t.Errorf("small/1 hashes to %s, want %s (update smallSHA256 if the generator changed on purpose)", a.SHA256, smallSHA256)
	}
	c, _ := count(t, "small", 2)
	if c.SHA256 == a.SHA256 {
		t.Errorf("seeds 1 and 2 wrote the same tree")
	}
}

func TestPresetSizes(t *testing.T) {
	cases := []struct {
		preset         string
		files          [2]int
		mbytes         [2]float64
		minFail        int
		mods           bool
		failPercentMax float64
	}{
		{"small", [2]int{40, 80}, [2]float64{0.1, 1}, 1, true, 5},
		{"shipped", [2]int{1000, 1250}, [2]float64{8.5, 12}, 3, false, 1},
		{"mods", [2]int{2300, 2900}, [2]float64{13, 22}, 5, true, 1},
		{"huge", [2]int{3700, 4300}, [2]float64{36, 48}, 10, false, 1},
	}
	for _, tc := range cases {
		if testing.Short() && tc.preset != "small" {
			continue
		}
		m, files := count(t, tc.preset, 1)
		mb := float64(m.Bytes) / 1e6
		if m.Files < tc.files[0] || m.Files > tc.files[1] || len(files) != m.Files {
			t.Errorf("%s: %d files, want %d..%d", tc.preset, m.Files, tc.files[0], tc.files[1])
		}
		if mb < tc.mbytes[0] || mb > tc.mbytes[1] {
			t.Errorf("%s: %.1f MB, want %.1f..%.1f", tc.preset, mb, tc.mbytes[0], tc.mbytes[1])
		}
		if len(m.Failures) < tc.minFail || float64(len(m.Failures))*100/float64(m.Executed) > tc.failPercentMax {
			t.Errorf("%s: %d planted failures of %d runs", tc.preset, len(m.Failures), m.Executed)
		}
		if (len(m.Mods) > 0) != tc.mods {
			t.Errorf("%s: mods %v", tc.preset, m.Mods)
		}
		for _, f := range m.Failures {
			src, ok := files[f.File]
			if !ok {
				t.Fatalf("%s: failing file %s was not written", tc.preset, f.File)
			}
			lines := strings.Split(string(src), "\n")
			if f.Line < 1 || f.Line > len(lines) || !strings.HasPrefix(lines[f.Line-1], "local ") {
				t.Errorf("%s: %s:%d is not the planted statement", tc.preset, f.File, f.Line)
			}
		}
		checkShape(t, tc.preset, files)
	}
}

// checkShape looks for what the brief asks of a shipped game's tree.
func checkShape(t *testing.T, preset string, files map[string][]byte) {
	var all bytes.Buffer
	for rel, data := range files {
		if strings.HasSuffix(rel, ".lua") {
			all.Write(data)
		}
	}
	s := all.String()
	for _, want := range []string{"DefineClass.", "DefineClass(\"", "__parents = {", "properties = {",
		"function OnMsg.", "PlaceObj('", "table.find(", "table.copy(", "table.keys(", "table.insert_unique(",
		"table.ifilter(", "table.map(", "table.count(", "string.starts_with(", "string.ends_with(",
		"string.split(", "T(", "const.", "Platform.pc", "CreateRealTimeThread(function()", "Sleep(",
		"if FirstLoad then", "local function ", "terrain.GetHeight(", "UIL.GetScreenSize()"} {
		if !strings.Contains(s, want) {
			t.Errorf("%s: no file contains %q", preset, want)
		}
	}
	for _, dir := range []string{"CommonLua/Classes/", "CommonLua/UI/", "CommonLua/Platforms/pc/",
		"CommonLua/Data/", "Lua/", "Data/"} {
		found := false
		for rel := range files {
			if strings.HasPrefix(rel, dir) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s: nothing under %s", preset, dir)
		}
	}
}

func TestModsShape(t *testing.T) {
	m, files := count(t, "small", 1)
	if len(m.Mods) < 2 || m.Mods[0] != "LibMod" {
		t.Errorf("mods %v: want the library mod and mods that use it", m.Mods)
	}
	spaces, deps := false, 0
	for rel, data := range files {
		if !strings.HasSuffix(rel, "/metadata.lua") {
			continue
		}
		if strings.Contains(strings.TrimPrefix(rel, "Mods/"), " ") {
			spaces = true
		}
		s := string(data)
		for _, want := range []string{"return PlaceObj('ModDef', {", "'id', ", "'code', {", "'loctables', {"} {
			if !strings.Contains(s, want) {
				t.Errorf("%s lacks %q", rel, want)
			}
		}
		if strings.Contains(s, "PlaceObj('ModDependency', {\n\t\t\t'id', \"LibMod\"") {
			deps++
		}
	}
	if !spaces {
		t.Errorf("no mod folder name has a space")
	}
	if deps == 0 {
		t.Errorf("no mod depends on the library mod")
	}
}

func TestGenerateWritesManifest(t *testing.T) {
	dir := t.TempDir()
	m, err := Generate(dir, "small", 1)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var back Manifest
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.SHA256 != m.SHA256 || back.Files != m.Files {
		t.Errorf("manifest on disk %+v differs from %+v", back, m)
	}
	n := 0
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() != ManifestFile {
			n++
		}
		return err
	})
	if err != nil || n != m.Files {
		t.Errorf("%d files on disk, manifest says %d (%v)", n, m.Files, err)
	}
	if _, err := Generate(dir, "nope", 1); err == nil {
		t.Errorf("unknown preset accepted")
	}
}
