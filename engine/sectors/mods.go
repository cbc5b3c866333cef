package sectors

import (
	"encoding/xml"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"modscope/engine"
)

// orderMods applies the mod order: the settings' list first (if any), then
// base, then by name. Duplicate names (a mod in both <root> and
// <root>/assets) keep the first found; each problem is a warning.
func orderMods(found []ModFolder, order []string) (mods []ModFolder, warnings []string) {
	byName := map[string]ModFolder{}
	var names []string
	for _, m := range found {
		if have, dup := byName[m.Name]; dup {
			warnings = append(warnings, fmt.Sprintf("mod %s is in both %s and %s; %s is used", m.Name, have.Dir, m.Dir, have.Dir))
			continue
		}
		byName[m.Name] = m
		names = append(names, m.Name)
	}
	sort.SliceStable(names, func(i, j int) bool {
		if (names[i] == "base") != (names[j] == "base") {
			return names[i] == "base"
		}
		return names[i] < names[j]
	})
	used := map[string]bool{}
	for _, n := range order {
		m, ok := byName[n]
		switch {
		case used[n]:
			warnings = append(warnings, fmt.Sprintf("modscope.toml [sectors] mods lists %s twice", n))
		case !ok:
			warnings = append(warnings, fmt.Sprintf("modscope.toml [sectors] mods lists %s, but there is no mod folder %s/ or assets/%s/ with manifest.xml and server.lua or sector.lua", n, n, n))
		default:
			used[n] = true
			mods = append(mods, m)
		}
	}
	for _, n := range names {
		if !used[n] {
			mods = append(mods, byName[n])
		}
	}
	return mods, warnings
}

var requireName = regexp.MustCompile(`^[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)*$`)

// resolver maps absolute dotted module names to files: the first part is a
// mod folder (a known mod, or else <root>/<name> or <root>/assets/<name>),
// the rest a path inside it. It is immutable, so contexts may share it.
func resolver(g *engine.Game, mods []ModFolder) func(string) (string, error) {
	dirOf := map[string]string{}
	known := make([]string, 0, len(mods))
	for _, m := range mods {
		dirOf[m.Name] = m.Dir
		known = append(known, m.Name)
	}
	return func(name string) (string, error) {
		if !requireName.MatchString(name) {
			return "", fmt.Errorf("module '%s' not found: module names are dotted names that start with a mod folder, like my_mod.utils.foo", name)
		}
		parts := strings.Split(name, ".")
		dirs := []string{parts[0], path.Join("assets", parts[0])}
		if d, ok := dirOf[parts[0]]; ok {
			dirs = []string{d}
		}
		rest := path.Join(parts[1:]...)
		var tried []string
		for _, d := range dirs {
			// Lua.cpp: package.path gets <assets>/?.lua, so a.b.c is
			// <assets>/a/b/c.lua; there is no ?/init.lua entry.
			cands := []string{d + ".lua"}
			if rest != "" {
				cands = []string{path.Join(d, rest+".lua")}
			}
			for _, c := range cands {
				if g.Exists(c) {
					return c, nil
				}
				tried = append(tried, c)
			}
		}
		return "", fmt.Errorf("module '%s' not found: no file %s (module names start with a mod folder; mods: %s)",
			name, strings.Join(tried, " or "), strings.Join(known, ", "))
	}
}

// manifest is a mod's manifest.xml.
type manifest struct {
	Name        string `xml:"name"`
	Description string `xml:"description"`
	Author      string `xml:"author"`
	Version     string `xml:"version"`
}

func readManifest(g *engine.Game, m ModFolder) (manifest, error) {
	var mf manifest
	data, err := g.ReadFile(path.Join(m.Dir, "manifest.xml"))
	if err != nil {
		return mf, err
	}
	if err := xml.Unmarshal(data, &mf); err != nil {
		return mf, fmt.Errorf("%s/manifest.xml: %v", m.Dir, err)
	}
	return mf, nil
}
