package engine

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseScript(t *testing.T) {
	src := strings.Join([]string{
		"# a comment",
		"",
		"step",
		"until Start",
		`msg NewMap "mars" 3`,
		`event sector:alpha sector_player_added {"player_id": "p1"}   # trailing comment`,
		"join p1 alpha",
		"eval main return #table.keys(_G)",
		"advance soon",
		"bogus 1",
		`msg Bad {"unterminated": `,
		"attach 3 scripts/door.lua",
	}, "\n")
	lines := ParseScript(src)
	cases := []struct {
		name    string
		line    int
		op      string
		args    []any
		code    string
		wantErr string
	}{
		{"bare verb", 3, "step", nil, "", ""},
		{"until a name", 4, "until", []any{"Start"}, "", ""},
		{"json and plain arguments", 5, "msg", []any{"NewMap", "mars", 3.0}, "", ""},
		{"json object with spaces and a comment", 6, "event", []any{"sector:alpha", "sector_player_added", map[string]any{"player_id": "p1"}}, "", ""},
		{"two words", 7, "join", []any{"p1", "alpha"}, "", ""},
		{"eval keeps the rest of the line, # included", 8, "eval", []any{"main"}, "return #table.keys(_G)", ""},
		{"advance needs a number", 9, "advance", nil, "", "usage: advance MS"},
		{"unknown verb", 10, "bogus", nil, "", "unknown event"},
		{"bad json", 11, "msg", nil, "", "bad JSON"},
		{"number then path", 12, "attach", []any{3.0, "scripts/door.lua"}, "", ""},
	}
	byLine := map[int]ScriptLine{}
	for _, l := range lines {
		byLine[l.Line] = l
	}
	if len(lines) != 10 {
		t.Fatalf("got %d lines, want 10", len(lines))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, ok := byLine[tc.line]
			if !ok {
				t.Fatalf("line %d missing", tc.line)
			}
			if tc.wantErr != "" {
				if l.Err == nil || !strings.Contains(l.Err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", l.Err, tc.wantErr)
				}
				return
			}
			if l.Err != nil {
				t.Fatalf("unexpected error %v", l.Err)
			}
			if l.Cmd.Op != tc.op || l.Cmd.Code != tc.code || (tc.args != nil && !reflect.DeepEqual(l.Cmd.Args, tc.args)) {
				t.Fatalf("got %+v", l.Cmd)
			}
		})
	}
}

func FuzzParseScript(f *testing.F) {
	for _, s := range []string{"step", `msg A "b" {"c": [1, 2]}`, "eval main return 1 # x", "event all x {", "\"\\", "join p1 alpha",
		"msg A " + strings.Repeat("[", 100000), `msg A {"a": ` + strings.Repeat(`{"a": `, 5000)} { // containment: deep JSON
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, l := range ParseScript(src) {
			if l.Err == nil && l.Cmd.Op == "" {
				t.Fatalf("line %d parsed without an op", l.Line)
			}
			_ = l.Cmd.String()
		}
	})
}

func FuzzNestingDepth(f *testing.F) {
	for _, s := range []string{"if x then end", "--[[ ( ]] x = '('", "[==[ ]] ]==]", "function f() return {{{}}} end"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		line, depth := nestingDepth([]byte(src))
		if depth > 0 && line < 1 {
			t.Fatalf("depth %d at line %d", depth, line)
		}
	})
}

func TestDetectAndSettings(t *testing.T) {
	cases := []struct {
		name    string
		files   map[string]string
		model   string
		wantErr string
	}{
		{"autorun by Lua folder", map[string]string{"Lua/a.lua": ""}, ModelAutorun, ""},
		{"sectors by manifest", map[string]string{"base/manifest.xml": "<manifest/>", "base/server.lua": ""}, ModelSectors, ""},
		{"scripts by scene", map[string]string{"scene.toml": ""}, ModelScripts, ""},
		{"nothing", map[string]string{"readme.txt": ""}, "", "matches no model"},
		{"ambiguous", map[string]string{"Lua/a.lua": "", "scene.toml": ""}, "", "more than one model"},
		{"settings decide", map[string]string{"Lua/a.lua": "", "scene.toml": "", "modscope.toml": `model = "scripts"`}, ModelScripts, ""},
		{"malformed settings", map[string]string{"Lua/a.lua": "", "modscope.toml": "model = \n= 3"}, "", "modscope.toml:"},
		{"bad mode", map[string]string{"Lua/a.lua": "", "modscope.toml": `mode = "loose"`}, "", "mode \"loose\""},
		{"bad timeout", map[string]string{"Lua/a.lua": "", "modscope.toml": `timeout = "soon"`}, "", "timeout"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tc.files)
			s, err := LoadSettings(dir)
			var model string
			if err == nil {
				model, _, err = ChooseModel(dir, s)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || model != tc.model {
				t.Fatalf("model %q err %v, want %q", model, err, tc.model)
			}
		})
	}
}

// A stepwise reload is a typed field of the command; "reload stepwise" is
// only its event-script text, both ways.
func TestStepwiseReload(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		stepwise   bool
		args       []any
	}{
		{name: "a reload runs its steps", line: "reload"},
		{name: "a stepwise reload stops between them", line: "reload stepwise", stepwise: true},
		{name: "a reload of one file keeps its argument", line: "reload scripts/a.lua", args: []any{"scripts/a.lua"}},
		{name: "only reload knows the word", line: "until stepwise", args: []any{"stepwise"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd, err := ParseCommand(tc.line)
			if err != nil {
				t.Fatal(err)
			}
			if cmd.Stepwise != tc.stepwise || !reflect.DeepEqual(cmd.Args, tc.args) {
				t.Errorf("%q parsed as stepwise %v args %v", tc.line, cmd.Stepwise, cmd.Args)
			}
			cmd.Text = "" // rendered from the fields
			if got := cmd.String(); got != tc.line {
				t.Errorf("%q renders as %q", tc.line, got)
			}
		})
	}
	if got := (Command{Op: "reload", Stepwise: true}).String(); got != "reload stepwise" {
		t.Errorf("a stepwise reload renders as %q", got)
	}
}
