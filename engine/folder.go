package engine

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
)

// MaxFolderLuaFiles bounds FolderInfo.LuaFiles; MaxFolderEntries bounds
// the entries the listing visits (a home folder or a disk root must not be
// walked whole: the listing stops there, partial).
const (
	MaxFolderLuaFiles = 2000
	MaxFolderEntries  = 20000
)

// FolderInfo is what the window shows about a game folder: how model
// detection saw it, its settings, its Lua files and what the open model
// offers. The engine reads it through the folder's os.Root (no link out),
// in whichever process runs the engine (Driver.Folder).
type FolderInfo struct {
	Dir string `json:"dir"`
	// Model and Mode are the open session's ("" when none is open).
	Model string `json:"model,omitempty"`
	Mode  string `json:"mode,omitempty"`
	// Detection is what model detection found; DetectError why it could
	// not look.
	Detection   Detection `json:"detection"`
	DetectError string    `json:"detect_error,omitempty"`
	// HasSettings tells whether the folder has a settings file;
	// SettingsModel is the model it sets, Settings its rows (model, mode,
	// timeout, then each model's section as "model.key"; empty values
	// left out) and SettingsError why it could not be read.
	HasSettings   bool        `json:"has_settings,omitempty"`
	SettingsModel string      `json:"settings_model,omitempty"`
	Settings      [][2]string `json:"settings,omitempty"`
	SettingsError string      `json:"settings_error,omitempty"`
	// LuaFiles are the folder's first MaxFolderLuaFiles .lua files among
	// its first MaxFolderEntries entries (in walking order, hidden folders
	// left out), sorted, slash separated. A failed open leaves them out
	// (OpenError: the folder may be anything, a home folder too).
	LuaFiles []string `json:"lua_files,omitempty"`
	// FirstFile is what the window opens in the editor first (the open
	// model's WindowSpec.OpenFirst; "" when nothing fits).
	FirstFile string `json:"first_file,omitempty"`
	// Window is what the window offers for the open model.
	Window WindowSpec `json:"window"`
	// Error says why the engine could not answer (its process died): the
	// rest is as last known.
	Error string `json:"error,omitempty"`
}

// OpenError is a failure to open a game folder, with what the folder looked
// like (for the window's "Found: ..." and its folder info): detection and
// settings only, no Lua files (the folder is not walked). Its text is the
// failure's, word for word.
type OpenError struct {
	Err    error
	Folder FolderInfo
}

func (e *OpenError) Error() string { return e.Err.Error() }
func (e *OpenError) Unwrap() error { return e.Err }

// InspectFolder describes the folder dir without a session (no model is
// open: the WindowSpec is empty), its Lua files listed.
func InspectFolder(dir string) FolderInfo { return inspectDir(dir, "", "", true) }

// inspectDir describes dir as if model were open in mode (model picks the
// WindowSpec); files lists its Lua files too.
func inspectDir(dir, model, mode string, files bool) FolderInfo {
	fi := FolderInfo{Dir: dir, Model: model, Mode: mode}
	root, err := os.OpenRoot(dir)
	if err != nil {
		fi.DetectError = fmt.Sprintf("open folder %s: %v", dir, unwrapPathErr(err))
		fi.SettingsError = fmt.Sprintf("read settings %s: %v", SettingsFile, unwrapPathErr(err))
		if sp, ok := specs[model]; ok {
			fi.Window = sp.Window
		}
		return fi
	}
	defer root.Close()
	inspect(root, &fi, files)
	return fi
}

// Folder describes the open folder (Driver.Folder), read afresh: the
// settings file may have been edited since the folder was opened. With no
// game open (during a reset, after a failed one, after Close) it describes
// the folder as it is now under the last model and mode; Error says why
// no game is open, unless a reset is under way.
func (s *Session) Folder() FolderInfo {
	if g := s.Game(); g != nil {
		fi := FolderInfo{Dir: g.Dir, Model: g.Model, Mode: g.Mode}
		if g.withRoot(func(root *os.Root) { inspect(root, &fi, true) }) {
			return fi
		}
	}
	s.rmu.Lock()
	dir, model, mode, why := s.info.folder, s.info.model, s.info.mode, s.noGame
	s.rmu.Unlock()
	if dir == "" {
		dir = s.Dir
	}
	fi := inspectDir(dir, model, mode, true)
	fi.Error = why
	return fi
}

// inspect fills fi from the folder root (fi.Model picks the WindowSpec);
// files lists the Lua files too.
func inspect(root *os.Root, fi *FolderInfo, files bool) {
	fsys := root.FS()
	if d, err := detectFS(fsys, fi.Dir); err != nil {
		fi.DetectError = err.Error()
	} else {
		fi.Detection = d
	}
	if st, err := root.Lstat(SettingsFile); err == nil {
		fi.HasSettings = st.Mode().IsRegular() || st.Mode()&fs.ModeSymlink != 0
	}
	if st, err := loadSettings(root); err != nil {
		fi.SettingsError = err.Error()
	} else {
		fi.SettingsModel = st.Model
		for _, kv := range append([][2]string{{"model", st.Model}, {"mode", st.Mode}, {"timeout", st.Timeout}}, st.SectionRows()...) {
			if kv[1] != "" {
				fi.Settings = append(fi.Settings, kv)
			}
		}
	}
	if sp, ok := specs[fi.Model]; ok {
		fi.Window = sp.Window
	}
	if !files {
		return
	}
	fi.LuaFiles = luaFiles(fsys, MaxFolderLuaFiles, MaxFolderEntries)
	fi.FirstFile = firstFile(fsys, fi.Window.OpenFirst, fi.LuaFiles)
}

// luaFiles lists up to max .lua files of fsys among the first maxEntries
// entries it visits, sorted (hidden folders are left out).
func luaFiles(fsys fs.FS, max, maxEntries int) []string {
	var out []string
	seen := 0
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if seen++; seen > maxEntries {
			return fs.SkipAll
		}
		if err != nil {
			if d != nil && d.IsDir() && p != "." {
				return fs.SkipDir // an unreadable folder: list the rest
			}
			return nil
		}
		if len(out) >= max {
			return fs.SkipAll
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && p != "." {
			return fs.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".lua") {
			out = append(out, p)
		}
		return nil
	})
	_ = err // the walk function never fails; a partial list is the answer
	sort.Strings(out)
	return out
}

// firstFile picks the file to open first: the first pattern of want that
// matches ("DIR/": the first Lua file under DIR; "*/NAME": the first Lua
// file named NAME below the top; else a regular file by its path), else the
// first Lua file.
func firstFile(fsys fs.FS, want, lua []string) string {
	for _, w := range want {
		switch {
		case strings.HasSuffix(w, "/"):
			for _, f := range lua {
				if strings.HasPrefix(f, w) {
					return f
				}
			}
			// the list is capped (a big tree may fill it before DIR):
			// look in DIR itself
			if under := luaFiles(subFS(fsys, strings.TrimSuffix(w, "/")), 1, MaxFolderEntries); len(under) > 0 {
				return w + under[0]
			}
		case strings.HasPrefix(w, "*/"):
			for _, f := range lua {
				if strings.HasSuffix(f, w[1:]) {
					return f
				}
			}
		default:
			if st, err := fs.Stat(fsys, path.Clean(w)); err == nil && st.Mode().IsRegular() {
				return path.Clean(w)
			}
		}
	}
	if len(lua) > 0 {
		return lua[0]
	}
	return ""
}

// subFS is fsys below dir, or an empty FS when dir is not a folder of it.
func subFS(fsys fs.FS, dir string) fs.FS {
	if st, err := fs.Stat(fsys, dir); err != nil || !st.IsDir() {
		return emptyFS{}
	}
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return emptyFS{}
	}
	return sub
}

// emptyFS has no files.
type emptyFS struct{}

func (emptyFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}
