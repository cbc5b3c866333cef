package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSinceMarkAcrossReload(t *testing.T) {
	for _, tc := range []struct {
		name                string
		edit                string // Lua/a.lua after the mark ("" = unchanged)
		wantAdded, wantChgd string
		wantRemoved         string
	}{
		{name: "an unchanged reload changes nothing (functions compare by code)",
			edit: ""},
		{name: "an edit that adds, changes and removes globals shows each",
			edit:      "A = 2\nShared = { x = 1 }\nfunction Shared.f() return 1 end\nB = 1\n",
			wantAdded: "B", wantChgd: "A", wantRemoved: ""},
		{name: "a removed global is listed as removed",
			edit:        "\nShared = { x = 1 }\nfunction Shared.f() return 1 end\n",
			wantRemoved: "A"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openRecreate(t, map[string]string{
				"Lua/a.lua": "A = 1\nShared = { x = 1 }\nfunction Shared.f() return 1 end\n",
			})
			if r := s.Do(Command{Op: "step"}); !r.OK {
				t.Fatalf("step: %s", r.Error)
			}
			if r := s.Do(Command{Op: "mark"}); !r.OK {
				t.Fatalf("mark: %s", r.Error)
			}
			if tc.edit != "" {
				if err := os.WriteFile(filepath.Join(s.Dir, "Lua", "a.lua"), []byte(tc.edit), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if r := s.Do(Command{Op: "reload"}); !r.OK {
				t.Fatalf("reload: %s", r.Error)
			}
			r := s.Do(Command{Op: "since"})
			if !r.OK || r.ReloadDiff == nil || !r.ReloadDiff.Marked {
				t.Fatalf("since: %+v", r)
			}
			rd := *r.ReloadDiff
			var main *ContextDiff
			for i := range rd.Contexts {
				if rd.Contexts[i].Context == "main" {
					main = &rd.Contexts[i]
				}
			}
			if main == nil {
				t.Fatalf("no main in %+v", rd.Contexts)
			}
			for _, c := range []struct{ what, got, want string }{
				{"added", strings.Join(paths(main.Diff.Added), ","), tc.wantAdded},
				{"changed", strings.Join(paths(main.Diff.Changed), ","), tc.wantChgd},
				{"removed", strings.Join(paths(main.Diff.Removed), ","), tc.wantRemoved},
			} {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
				}
			}
		})
	}
}

func TestSinceWithoutMark(t *testing.T) {
	s := openRecreate(t, map[string]string{"Lua/a.lua": "A = 1\n"})
	r := s.Do(Command{Op: "since"})
	if rd := r.ReloadDiff; !r.OK || rd == nil || rd.Marked {
		t.Fatalf("since without a mark = %+v", r)
	}
}
