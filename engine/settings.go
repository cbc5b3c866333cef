package engine

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"time"

	"github.com/BurntSushi/toml"
)

// SettingsFile is the optional per-folder settings file.
const SettingsFile = "modscope.toml"

// Bounds of a settings file (containment.md): it is read only when it is a
// regular file inside the folder (no link out), at most MaxSettingsBytes,
// and its brackets nest at most MaxSettingsNesting deep (the TOML parser
// recurses on each).
const (
	MaxSettingsBytes   = 1 << 20
	MaxSettingsNesting = 64
	// MaxFolderTimeout is the highest watchdog limit a folder's settings
	// may ask for when the person set none; a folder may lower the
	// person's limit, never raise it.
	MaxFolderTimeout = time.Minute
	// MaxScriptBytes bounds an event script (--events FILE or stdin).
	MaxScriptBytes = 16 << 20
)

// Settings are a game folder's modscope.toml; every key is optional. Each
// registered model may own a section ([autorun], [sectors], ...) that it
// declares in its ModelSpec and reads back with SettingsSection.
type Settings struct {
	Model   string `toml:"model"`
	Mode    string `toml:"mode"`    // "stubs" or "strict"
	Timeout string `toml:"timeout"` // Go duration
	// sections holds each model's decoded section, by model name: a
	// pointer as returned by its ModelSpec.Settings.
	sections map[string]any
}

// Section returns a model's decoded settings section (a pointer as its
// ModelSpec.Settings returns), or nil when the settings hold none.
func (s Settings) Section(model string) any { return s.sections[model] }

// SettingsSection returns model's section of s as T (the type its
// ModelSpec.Settings points to); the zero T when there is none.
func SettingsSection[T any](s Settings, model string) T {
	if p, ok := s.sections[model].(*T); ok && p != nil {
		return *p
	}
	var zero T
	return zero
}

// SectionRows lists every model's section as "model.key" = value rows for
// display, in model order.
func (s Settings) SectionRows() [][2]string {
	var out [][2]string
	for _, sp := range registered() {
		sec := s.sections[sp.Name]
		if sec == nil || sp.SettingsRows == nil {
			continue
		}
		for _, kv := range sp.SettingsRows(sec) {
			out = append(out, [2]string{sp.Name + "." + kv[0], kv[1]})
		}
	}
	return out
}

// decodeSettings decodes TOML text into s: the top-level keys and every
// registered model's section, in one pass (one struct built from the
// registered sections), so that errors read as they would for one fixed
// struct.
func decodeSettings(data string, s *Settings) error {
	fields := []reflect.StructField{
		{Name: "Model", Type: reflect.TypeFor[string](), Tag: `toml:"model"`},
		{Name: "Mode", Type: reflect.TypeFor[string](), Tag: `toml:"mode"`},
		{Name: "Timeout", Type: reflect.TypeFor[string](), Tag: `toml:"timeout"`},
	}
	var names []string
	for _, sp := range registered() {
		if sp.Settings == nil {
			continue
		}
		t := reflect.TypeOf(sp.Settings())
		if t.Kind() != reflect.Pointer {
			return fmt.Errorf("model %s: settings section is %v, want a pointer", sp.Name, t)
		}
		fields = append(fields, reflect.StructField{
			Name: fmt.Sprintf("Section%d", len(names)),
			Type: t.Elem(),
			Tag:  reflect.StructTag(fmt.Sprintf("toml:%q", sp.Name)),
		})
		names = append(names, sp.Name)
	}
	v := reflect.New(reflect.StructOf(fields))
	_, err := toml.Decode(data, v.Interface())
	e := v.Elem()
	s.Model, s.Mode, s.Timeout = e.Field(0).String(), e.Field(1).String(), e.Field(2).String()
	s.sections = make(map[string]any, len(names))
	for i, n := range names {
		s.sections[n] = e.Field(3 + i).Addr().Interface()
	}
	return err
}

// LoadSettings reads DIR/modscope.toml. A missing file yields zero Settings.
// A malformed file is an error naming the file, line and reason.
func LoadSettings(dir string) (Settings, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return Settings{}, fmt.Errorf("read settings %s: %w", SettingsFile, unwrapPathErr(err))
	}
	defer root.Close()
	return loadSettings(root)
}

// loadSettings reads modscope.toml through the folder's root: a link that
// leads out of the folder is refused, and no error quotes the file.
func loadSettings(root *os.Root) (Settings, error) {
	var s Settings
	data, err := readBounded(root, SettingsFile, MaxSettingsBytes)
	if err != nil && linksOut(root, SettingsFile) {
		return s, fmt.Errorf("read settings %s: it is a link that leads out of the folder (refused)", SettingsFile)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("read settings %s: %w", SettingsFile, err)
	}
	if line, depth := tomlNesting(data); depth > MaxSettingsNesting {
		return s, fmt.Errorf("%s:%d: brackets nested deeper than %d levels", SettingsFile, line, MaxSettingsNesting)
	}
	if err := decodeSettings(string(data), &s); err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return s, fmt.Errorf("%s:%d: %s", SettingsFile, perr.Position.Line, unquote(perr.Message))
		}
		return s, fmt.Errorf("%s: %s", SettingsFile, unquote(err.Error()))
	}
	s.Model, s.Mode, s.Timeout = limitString(s.Model, 64), limitString(s.Mode, 64), limitString(s.Timeout, 64)
	switch s.Mode {
	case "", ModeStubs, ModeStrict:
	default:
		return s, fmt.Errorf("%s: mode %q: want \"stubs\" or \"strict\"", SettingsFile, s.Mode)
	}
	if s.Timeout != "" {
		d, err := time.ParseDuration(s.Timeout)
		if err != nil || d <= 0 {
			return s, fmt.Errorf("%s: timeout %q: want a positive Go duration such as \"5s\"", SettingsFile, s.Timeout)
		}
	}
	if s.Model != "" && !knownModel(s.Model) {
		return s, fmt.Errorf("%s: model %q: want one of %v", SettingsFile, s.Model, ModelNames)
	}
	return s, nil
}

// linksOut tells whether rel is a symbolic link that the root cannot
// follow: it leads out of the folder (or to nothing).
func linksOut(root *os.Root, rel string) bool {
	lst, err := root.Lstat(rel)
	if err != nil || lst.Mode()&fs.ModeSymlink == 0 {
		return false
	}
	_, err = root.Stat(rel)
	return err != nil && !errors.Is(err, fs.ErrNotExist)
}

// quoted is what a TOML parse error quotes from the file.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'[^']*'`)

// unquote drops what an error message quotes of the file: a settings file
// may be a hard link to a secret, and errors end up in public CI logs.
func unquote(msg string) string {
	return limitString(quoted.ReplaceAllString(msg, "(…)"), 300)
}

// EffectiveTimeout is the watchdog limit: the person's (or the default),
// lowered by the folder's settings, never raised past the person's limit;
// with no limit set by the person, the folder may ask up to
// MaxFolderTimeout.
func EffectiveTimeout(person time.Duration, s Settings) time.Duration {
	limit, ceiling := person, person
	if person <= 0 {
		limit, ceiling = DefaultTimeout, MaxFolderTimeout
	}
	if s.Timeout != "" {
		if d, err := time.ParseDuration(s.Timeout); err == nil && d > 0 {
			limit = min(d, ceiling)
		}
	}
	return limit
}

// readBounded reads rel from root when it is a regular file of at most max
// bytes (a FIFO would block for ever, a device would never end).
func readBounded(root *os.Root, rel string, max int64) ([]byte, error) {
	st, err := root.Stat(rel)
	if err != nil {
		return nil, unwrapPathErr(err)
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	f, err := root.Open(rel)
	if err != nil {
		return nil, unwrapPathErr(err)
	}
	defer f.Close()
	return readRegular(f, max)
}

// readRegular reads an open file that must be a regular file of at most
// max bytes.
func readRegular(f *os.File, max int64) ([]byte, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, unwrapPathErr(err)
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if st.Size() > max {
		return nil, fmt.Errorf("%d bytes is larger than the %d KiB limit", st.Size(), max>>10)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, unwrapPathErr(err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("larger than the %d KiB limit", max>>10)
	}
	return data, nil
}

// ReadRegularFile reads a file named by the person (an event script): only
// a regular file of at most max bytes; a FIFO or a device is refused
// before it is opened for reading.
func ReadRegularFile(name string, max int64) ([]byte, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, unwrapPathErr(err)
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, unwrapPathErr(err)
	}
	defer f.Close()
	return readRegular(f, max)
}

// TOMLNesting returns the deepest nesting of [ and { in TOML text outside
// strings and comments, and its line: a TOML file nested deeper than
// MaxSettingsNesting is refused before the parser recurses into it.
func TOMLNesting(data []byte) (line, depth int) { return tomlNesting(data) }

// tomlNesting returns the deepest nesting of [ and { outside strings and
// comments, and the line where it is first reached.
func tomlNesting(data []byte) (line, depth int) {
	cur, ln := 0, 1
	for i := 0; i < len(data); i++ {
		switch b := data[i]; b {
		case '\n':
			ln++
		case '#':
			for i < len(data) && data[i] != '\n' {
				i++
			}
			i--
		case '"', '\'':
			multi := i+2 < len(data) && data[i+1] == b && data[i+2] == b
			if multi {
				i += 3
				for i+2 < len(data) && !(data[i] == b && data[i+1] == b && data[i+2] == b) {
					if data[i] == '\\' && b == '"' {
						i++
					} else if data[i] == '\n' {
						ln++
					}
					i++
				}
				i += 2
				continue
			}
			i++
			for i < len(data) && data[i] != b && data[i] != '\n' {
				if data[i] == '\\' && b == '"' {
					i++
				}
				i++
			}
			if i < len(data) && data[i] == '\n' {
				ln++
			}
		case '[', '{':
			cur++
			if cur > depth {
				depth, line = cur, ln
			}
		case ']', '}':
			if cur > 0 {
				cur--
			}
		}
	}
	return line, depth
}

// Modes of handling engine functions the folder does not define.
const (
	ModeStubs  = "stubs"
	ModeStrict = "strict"
)
