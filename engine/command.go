package engine

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Command is one thing the person (window, CLI or event script) asks the
// engine to do. Op is the event-script verb; Args are its arguments as JSON
// values (string, float64, bool, nil, map[string]any, []any); Code is the
// Lua of an eval.
type Command struct {
	Op   string `json:"op"`
	Args []any  `json:"args,omitempty"`
	Code string `json:"code,omitempty"`
	// Path, Offset and Limit address a view (op page/diff/search).
	Path   string `json:"path,omitempty"`
	Offset int    `json:"offset,omitempty"`
	Limit  int    `json:"limit,omitempty"`
	// Text is the original event-script line, if any.
	Text string `json:"text,omitempty"`
	// Stepwise makes a reload stop between its steps instead of running
	// them all: it leaves the steps of the reload to be run one at a time
	// (step, run, until), as the window does when a breakpoint is set. The
	// event-script line "reload stepwise" sets it.
	Stepwise bool `json:"stepwise,omitempty"`
}

// stepwiseWord is the argument of an event-script reload that sets
// Command.Stepwise: the line's text form, and nothing else.
const stepwiseWord = "stepwise"

// String renders the command as an event-script line.
func (c Command) String() string {
	if c.Text != "" {
		return c.Text
	}
	parts := []string{c.Op}
	for _, a := range c.Args {
		parts = append(parts, FormatArg(a))
	}
	if c.Code != "" {
		parts = append(parts, c.Code)
	}
	if c.Stepwise {
		parts = append(parts, stepwiseWord)
	}
	return strings.Join(parts, " ")
}

// FormatArg renders one argument for an event-script line: plain words as
// they are, everything else as JSON.
func FormatArg(a any) string {
	if s, ok := a.(string); ok && s != "" && !strings.ContainsAny(s, " \t\"{}[]#") {
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			return s
		}
	}
	b, err := json.Marshal(a)
	if err != nil {
		return fmt.Sprint(a)
	}
	return string(b)
}

// Arg returns argument i as a string ("" if missing).
func (c Command) Arg(i int) string {
	if i >= len(c.Args) {
		return ""
	}
	switch v := c.Args[i].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case nil:
		return ""
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// Number returns argument i as a number.
func (c Command) Number(i int) (float64, error) {
	if i >= len(c.Args) {
		return 0, fmt.Errorf("%s: missing number argument %d", c.Op, i+1)
	}
	switch v := c.Args[i].(type) {
	case float64:
		return v, nil
	case string:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %q is not a number", c.Op, v)
		}
		return f, nil
	}
	return 0, fmt.Errorf("%s: argument %d is not a number", c.Op, i+1)
}

// ScriptLine is one parsed line of an event script.
type ScriptLine struct {
	Line int
	Text string
	Cmd  Command
	Err  error // the line could not be parsed
}

// Ops lists every event-script verb and its usage: the session's own
// verbs below, plus the verbs each model registers (ModelSpec.Verbs).
// msg, event and callback deliver something to Lua in whatever model is
// running (several models implement them), so they are the core's.
var Ops = map[string]string{
	"step":     "step",
	"until":    "until NAME",
	"run":      "run",
	"reset":    "reset",
	"reload":   "reload",
	"msg":      "msg NAME [ARGS...]",
	"event":    "event CONTEXT|server|all NAME [FIELDS]",
	"callback": "callback [TARGET] NAME [ARGS...]",
	"advance":  "advance MS",
	"eval":     "eval CONTEXT LUA...",
	"edit":     "edit FILE",
}

// coreMinArgs is the fewest arguments of the core's verbs (0 if absent).
var coreMinArgs = map[string]int{"until": 1, "msg": 1, "event": 2, "callback": 1, "advance": 1, "edit": 1}

// The core's verbs in the order "known:" lists them: the models' verbs go
// between coreVerbsHead and coreVerbsTail.
var (
	coreVerbsHead = []string{"step", "until", "run", "reset", "reload", "msg", "event"}
	coreVerbsTail = []string{"callback", "advance", "eval", "edit"}
)

// minArgs is the fewest arguments op takes.
func minArgs(op string) int {
	if n, ok := coreMinArgs[op]; ok {
		return n
	}
	for _, sp := range registered() {
		for _, v := range sp.Verbs {
			if v.Name == op {
				return v.MinArgs
			}
		}
	}
	return 0
}

// ParseScript parses an event script: one command a line, # comments,
// blank lines ignored. Lines that cannot be parsed carry Err.
func ParseScript(src string) []ScriptLine {
	var out []ScriptLine
	for i, raw := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		text := strings.TrimSpace(stripComment(raw))
		if text == "" {
			continue
		}
		cmd, err := ParseCommand(text)
		out = append(out, ScriptLine{Line: i + 1, Text: text, Cmd: cmd, Err: err})
	}
	return out
}

// stripComment removes a # comment that is not inside a JSON string.
func stripComment(s string) string {
	inStr := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if inStr {
				i++
			}
		case '"':
			inStr = !inStr
		case '#':
			if !inStr {
				if w, _ := splitWord(s); w == "eval" {
					return s // the rest of an eval line is Lua, where # is the length operator
				}
				return s[:i]
			}
		}
	}
	return s
}

// ParseCommand parses one event-script line.
func ParseCommand(line string) (Command, error) {
	line = strings.TrimSpace(line)
	op, rest := splitWord(line)
	cmd := Command{Op: op, Text: line}
	if _, ok := Ops[op]; !ok {
		return cmd, fmt.Errorf("unknown event %q (known: %s)", op, strings.Join(opNames(), ", "))
	}
	if op == "eval" {
		ctx, code := splitWord(rest)
		if ctx == "" || strings.TrimSpace(code) == "" {
			return cmd, fmt.Errorf("usage: %s", Ops[op])
		}
		cmd.Args = []any{ctx}
		cmd.Code = strings.TrimSpace(code)
		return cmd, nil
	}
	args, err := parseArgs(rest)
	if err != nil {
		return cmd, err
	}
	cmd.Args = args
	if op == "reload" && len(args) == 1 && args[0] == stepwiseWord {
		cmd.Args, cmd.Stepwise = nil, true
	}
	if len(args) < minArgs(op) {
		return cmd, fmt.Errorf("usage: %s", Ops[op])
	}
	if op == "advance" {
		if _, err := cmd.Number(0); err != nil {
			return cmd, fmt.Errorf("usage: %s", Ops[op])
		}
	}
	return cmd, nil
}

// opNames lists every verb: the core's and, in model order, the models'.
func opNames() []string {
	out := append([]string(nil), coreVerbsHead...)
	seen := map[string]bool{}
	for _, sp := range registered() {
		for _, v := range sp.Verbs {
			if !seen[v.Name] {
				seen[v.Name] = true
				out = append(out, v.Name)
			}
		}
	}
	return append(out, coreVerbsTail...)
}

func splitWord(s string) (string, string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

// parseArgs splits arguments on spaces; a JSON string, object or array may
// contain spaces. Words that parse as JSON (numbers, true) become values.
func parseArgs(s string) ([]any, error) {
	var out []any
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if s == "" {
			return out, nil
		}
		switch s[0] {
		case '"', '{', '[':
			dec := json.NewDecoder(strings.NewReader(s))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				return out, fmt.Errorf("argument %d: bad JSON: %v", len(out)+1, err)
			}
			out = append(out, normalizeJSON(v))
			s = s[dec.InputOffset():]
			if s != "" && !unicode.IsSpace(rune(s[0])) {
				return out, fmt.Errorf("argument %d: expected a space after the JSON value", len(out))
			}
		default:
			w, rest := splitWord(s)
			var v any
			if err := json.Unmarshal([]byte(w), &v); err == nil {
				out = append(out, v)
			} else {
				out = append(out, w)
			}
			s = rest
		}
	}
}

func normalizeJSON(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeJSON(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalizeJSON(e)
		}
	}
	return v
}
