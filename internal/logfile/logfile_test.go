package logfile

import (
	"log"
	"os"
	"path/filepath"
	"testing"
)

func TestWriter(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		path  func(dir string) string
		want  string // file contents; "-" for no file
	}{
		{name: "no line makes no file", path: func(d string) string { return filepath.Join(d, "a", "x.log") }, want: "-"},
		{name: "lines are appended, folder created", lines: []string{"one", "two"},
			path: func(d string) string { return filepath.Join(d, "a", "b", "x.log") }, want: "one\ntwo\n"},
		{name: "unopenable path drops lines", lines: []string{"one"},
			path: func(d string) string { return filepath.Join(d, "file", "x.log") }, want: "-"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil {
				t.Fatal(err)
			}
			p := tc.path(dir)
			w := &Writer{Path: p}
			l := log.New(w, "", 0)
			for _, s := range tc.lines {
				l.Println(s)
			}
			got, err := os.ReadFile(p)
			if tc.want == "-" {
				if err == nil {
					t.Fatalf("file %s exists: %q", p, got)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
