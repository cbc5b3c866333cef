package scripts

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"modscope/engine"
)

// SceneFile is the scene file that marks a scripts game.
const SceneFile = "scene.toml"

// Key is a context key, and also an attachment: an (entity, script) pair in
// which either part may be absent. A static script is an attachment with no
// entity; the shared context's key has neither part.
type Key struct {
	HasEntity bool
	Entity    int64
	Script    string // "" when absent
}

// Name is the context name of the key (docs/scripts.md).
func (k Key) Name() string {
	switch {
	case k.HasEntity && k.Script != "":
		return fmt.Sprintf("entity:%d/script:%s", k.Entity, k.Script)
	case k.HasEntity:
		return fmt.Sprintf("entity:%d", k.Entity)
	case k.Script != "":
		return "script:" + k.Script
	}
	return "shared"
}

// Label renders an attachment for resident lists and messages:
// "entity:3 scripts/door.lua" or "static scripts/rules.lua".
func (k Key) Label() string {
	if k.HasEntity {
		return fmt.Sprintf("entity:%d %s", k.Entity, k.Script)
	}
	return "static " + k.Script
}

// Rule names (docs/scripts.md).
const (
	RuleEntityScript = "entity_script"
	RuleEntity       = "entity"
	RuleScript       = "script"
	RuleShared       = "shared"
)

// NamedPolicies are the policies a scene or the policy command may name.
var NamedPolicies = map[string][]string{
	"shared":                {RuleShared},
	"per_script":            {RuleScript, RuleShared},
	"per_entity":            {RuleEntity, RuleScript, RuleShared},
	"per_entity_and_script": {RuleEntityScript, RuleScript, RuleShared},
}

// DefaultPolicy applies when the scene names none.
const DefaultPolicy = "per_entity_and_script"

var policyOrder = []string{"shared", "per_script", "per_entity", "per_entity_and_script"}

// Policy is an ordered list of rules; the first rule that matches an
// attachment gives its context key.
type Policy struct {
	Name  string // the named policy, or "" for a custom list
	Rules []string
}

// String renders the policy as it would be written in an event script.
func (p Policy) String() string {
	if p.Name != "" {
		return p.Name
	}
	return `["` + strings.Join(p.Rules, `", "`) + `"]`
}

// KeyFor applies the policy to an attachment.
func (p Policy) KeyFor(a Key) (Key, bool) {
	for _, r := range p.Rules {
		switch r {
		case RuleEntityScript:
			if a.HasEntity && a.Script != "" {
				return a, true
			}
		case RuleEntity:
			if a.HasEntity {
				return Key{HasEntity: true, Entity: a.Entity}, true
			}
		case RuleScript:
			if a.Script != "" {
				return Key{Script: a.Script}, true
			}
		case RuleShared:
			return Key{}, true
		}
	}
	return Key{}, false
}

// ParsePolicy reads a policy from a scene value or command arguments: a
// policy name, or a list of rule names.
func ParsePolicy(v any) (Policy, error) {
	switch x := v.(type) {
	case nil:
		return Policy{Name: DefaultPolicy, Rules: NamedPolicies[DefaultPolicy]}, nil
	case string:
		if rules, ok := NamedPolicies[x]; ok {
			return Policy{Name: x, Rules: rules}, nil
		}
		if isRule(x) {
			return Policy{}, fmt.Errorf("unknown policy %q: a single rule is written as a list, [%q]; named policies are %s", x, x, strings.Join(policyOrder, ", "))
		}
		return Policy{}, fmt.Errorf("unknown policy %q: want one of %s, or a list of rules such as [\"entity\", \"shared\"]", x, strings.Join(policyOrder, ", "))
	case []string:
		return rulesPolicy(x)
	case []any:
		rules := make([]string, 0, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return Policy{}, fmt.Errorf("policy rule %d is %v, not a rule name (%s)", i+1, e, ruleList())
			}
			rules = append(rules, s)
		}
		return rulesPolicy(rules)
	}
	return Policy{}, fmt.Errorf("policy must be a name or a list of rules, not %v", v)
}

func rulesPolicy(rules []string) (Policy, error) {
	if len(rules) == 0 {
		return Policy{}, errors.New("a policy needs at least one rule (" + ruleList() + ")")
	}
	for _, r := range rules {
		if !isRule(r) {
			return Policy{}, fmt.Errorf("unknown rule %q: rules are %s", r, ruleList())
		}
	}
	p := Policy{Rules: append([]string(nil), rules...)}
	for _, n := range policyOrder { // a list equal to a named policy is that policy
		if strings.Join(NamedPolicies[n], ",") == strings.Join(rules, ",") {
			p.Name = n
		}
	}
	return p, nil
}

func isRule(s string) bool {
	switch s {
	case RuleEntityScript, RuleEntity, RuleScript, RuleShared:
		return true
	}
	return false
}

func ruleList() string {
	return strings.Join([]string{RuleEntityScript, RuleEntity, RuleScript, RuleShared}, ", ")
}

// Entity is one [[entity]] of the scene.
type Entity struct {
	ID      int64
	Name    string
	Scripts []string
}

// Scene is a parsed scene.toml.
type Scene struct {
	Policy      Policy
	Static      []string
	Entities    []Entity
	InitContext string // Lua run on every load, join and reload, after BMS's own context initializers; `...` is the attachment
	PreHandling string // Lua run before every load and every callback, after BMS's own pre-handling; `...` is the attachment
}

// Attachments lists the scene's attachments in attach order: entities in
// scene order, each entity's scripts in list order, then static scripts.
func (s *Scene) Attachments() []Key {
	var out []Key
	for _, e := range s.Entities {
		for _, sc := range e.Scripts {
			out = append(out, Key{HasEntity: true, Entity: e.ID, Script: sc})
		}
	}
	for _, sc := range s.Static {
		out = append(out, Key{Script: sc})
	}
	return out
}

type sceneTOML struct {
	Policy       any          `toml:"policy"`
	Static       []string     `toml:"static"`
	Entity       []entityTOML `toml:"entity"`
	Initializers struct {
		Context     string `toml:"context"`
		PreHandling string `toml:"pre_handling"`
	} `toml:"initializers"`
}

type entityTOML struct {
	ID      *int64   `toml:"id"`
	Name    string   `toml:"name"`
	Scripts []string `toml:"scripts"`
}

var tomlLineErr = regexp.MustCompile(`^toml: line (\d+)(?: \(last key "([^"]*)"\))?: (?s:(.*))$`)

// sceneError is a problem in scene.toml with its line (0 if unknown).
func sceneError(line int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		return fmt.Errorf("%s:%d: %s", SceneFile, line, msg)
	}
	return fmt.Errorf("%s: %s", SceneFile, msg)
}

// ParseScene parses scene.toml's text. exists says whether a script file
// is in the game folder (nil: do not check).
func ParseScene(src string, exists func(string) bool) (*Scene, error) {
	// the TOML parser recurses once per bracket: `x = [[[[…` a million
	// deep overflowed the Go stack (docs/containment.md)
	if line, depth := engine.TOMLNesting([]byte(src)); depth > engine.MaxSettingsNesting {
		return nil, sceneError(line, "brackets nested deeper than %d levels", engine.MaxSettingsNesting)
	}
	var raw sceneTOML
	if _, err := toml.Decode(src, &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, sceneError(pe.Position.Line, "%s", pe.Message)
		}
		if m := tomlLineErr.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			if m[2] != "" {
				return nil, sceneError(line, "%s: %s", m[2], m[3])
			}
			return nil, sceneError(line, "%s", m[3])
		}
		return nil, sceneError(0, "%v", err)
	}
	lines := newLineIndex(src)
	sc := &Scene{InitContext: raw.Initializers.Context, PreHandling: raw.Initializers.PreHandling}
	p, err := ParsePolicy(raw.Policy)
	if err != nil {
		return nil, sceneError(lines.find(`^\s*policy\s*=`, 0, -1), "policy: %v", err)
	}
	sc.Policy = p

	check := func(line int, what, s string) (string, error) {
		c, err := engine.CleanPath(s)
		if err != nil {
			return "", sceneError(line, "%s: %v", what, err)
		}
		if exists != nil && !exists(c) {
			return "", sceneError(line, "%s: script %s: no such file in the game folder", what, c)
		}
		return c, nil
	}

	headers := lines.all(`^\s*\[\[\s*entity\s*\]\]`)
	seen := map[int64]int{} // id -> index
	for i, e := range raw.Entity {
		start, end := -1, -1
		if i < len(headers) {
			start = headers[i]
			if end = lines.find(`^\s*\[`, start+1, -1); end == 0 { // the next table header
				end = -1
			}
		}
		what := fmt.Sprintf("entity %d", i+1)
		if e.Name != "" {
			what = fmt.Sprintf("entity %d (%s)", i+1, e.Name)
		}
		if e.ID == nil {
			return nil, sceneError(start, "%s has no id (add id = <number>)", what)
		}
		idLine := lines.find(`^\s*id\s*=`, start, end)
		if j, dup := seen[*e.ID]; dup {
			return nil, sceneError(idLine, "%s: id %d is already used by entity %d%s", what, *e.ID, j+1, nameSuffix(raw.Entity[j].Name))
		}
		seen[*e.ID] = i
		ent := Entity{ID: *e.ID, Name: e.Name}
		if e.Name != "" {
			what = fmt.Sprintf("entity %d (%s)", *e.ID, e.Name)
		} else {
			what = fmt.Sprintf("entity %d", *e.ID)
		}
		have := map[string]bool{}
		for _, s := range e.Scripts {
			line := lines.findQuoted(s, start, end)
			c, err := check(line, what, s)
			if err != nil {
				return nil, err
			}
			if have[c] {
				return nil, sceneError(line, "%s: script %s is listed twice", what, c)
			}
			have[c] = true
			ent.Scripts = append(ent.Scripts, c)
		}
		sc.Entities = append(sc.Entities, ent)
	}
	staticLine := lines.find(`^\s*static\s*=`, 0, -1)
	have := map[string]bool{}
	for _, s := range raw.Static {
		line := lines.findQuoted(s, staticLine, -1)
		if line <= 0 {
			line = staticLine
		}
		c, err := check(line, "static", s)
		if err != nil {
			return nil, err
		}
		if have[c] {
			return nil, sceneError(line, "static: script %s is listed twice", c)
		}
		have[c] = true
		sc.Static = append(sc.Static, c)
	}
	// A pair no rule matches is not an error: BMS loads it, calls
	// on_script_loaded and drops it with a warning (see attach).
	return sc, nil
}

func nameSuffix(n string) string {
	if n == "" {
		return ""
	}
	return " (" + n + ")"
}

// lineIndex finds the lines of a source text (1-based line numbers).
type lineIndex []string

func newLineIndex(src string) lineIndex {
	return strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
}

// find returns the first line in [from, to) matching expr (to < 0: to the
// end; from <= 0: from the start), or 0.
func (l lineIndex) find(expr string, from, to int) int {
	re := regexp.MustCompile(expr)
	for i := max(from, 1); i <= len(l) && (to < 0 || i < to); i++ {
		if re.MatchString(l[i-1]) {
			return i
		}
	}
	return 0
}

func (l lineIndex) all(expr string) []int {
	re := regexp.MustCompile(expr)
	var out []int
	for i, s := range l {
		if re.MatchString(s) {
			out = append(out, i+1)
		}
	}
	return out
}

// findQuoted finds the line in [from, to) holding the string s in quotes.
func (l lineIndex) findQuoted(s string, from, to int) int {
	q := regexp.QuoteMeta(s)
	return l.find(`"`+q+`"|'`+q+`'`, from, to)
}
