package engine

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
)

// MaxFolderLuaFiles bounds FolderInfo.LuaFiles.
const MaxFolderLuaFiles = 2000

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
	// LuaFiles are the folder's first MaxFolderLuaFiles .lua files (in
	// walking order, hidden folders left out), sorted, slash separated.
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
// like (for the window's "Found: ..." and its folder info). Its text is
// the failure's, word for word.
type OpenError struct {
	Err    error
	Folder FolderInfo
}

func (e *OpenError) Error() string { return e.Err.Error() }
func (e *OpenError) Unwrap() error { return e.Err }

// InspectFolder describes the folder dir without a session (no model is
// open: the WindowSpec is empty).
func InspectFolder(dir string) FolderInfo {
	fi := FolderInfo{Dir: dir}
	root, err := os.OpenRoot(dir)
	if err != nil {
		fi.DetectError = fmt.Sprintf("open folder %s: %v", dir, unwrapPathErr(err))
		fi.SettingsError = fmt.Sprintf("read settings %s: %v", SettingsFile, unwrapPathErr(err))
		return fi
	}
	defer root.Close()
	inspect(root, &fi)
	return fi
}

// Folder describes the open folder (Driver.Folder), read afresh: the
// settings file may have been edited since the folder was opened.
func (s *Session) Folder() FolderInfo {
	g := s.Game()
	if g == nil {
		return FolderInfo{Dir: s.Dir, Error: "the session is closed"}
	}
	fi := FolderInfo{Dir: g.Dir, Model: g.Model, Mode: g.Mode}
	inspect(g.root, &fi)
	return fi
}

// inspect fills fi from the folder root (fi.Model picks the WindowSpec).
func inspect(root *os.Root, fi *FolderInfo) {
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
	fi.LuaFiles = luaFiles(fsys, MaxFolderLuaFiles)
	if sp, ok := specs[fi.Model]; ok {
		fi.Window = sp.Window
	}
	fi.FirstFile = firstFile(fsys, fi.Window.OpenFirst, fi.LuaFiles)
}

// luaFiles lists up to max .lua files of fsys, sorted (hidden folders are
// left out).
func luaFiles(fsys fs.FS, max int) []string {
	var out []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
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
