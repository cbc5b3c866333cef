// Package gengame writes deterministic game folders in the shape of a shipped
// Haemimont game (the autorun model, docs/autorun.md): CommonLua, Lua, DLC,
// Data and Mods, with classes declared out of order across files, hundreds
// of OnMsg handlers, data files of PlaceObj presets, engine calls that only
// stub mode can satisfy, and a few files that fail at a known line. Benchmarks
// and the side-by-side script in scripts/bench.sh run on what it writes.
package gengame

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Preset sizes a generated tree.
type Preset struct {
	Name       string
	CommonTop  int            // CommonLua/*.lua
	Classes    int            // CommonLua/Classes/**
	UI         int            // CommonLua/UI/**
	Platforms  map[string]int // CommonLua/Platforms/<p>/** (pc and desktop load by default)
	CommonData int            // CommonLua/Data/**
	Lua        int            // Lua/** code files
	XTemplates int            // Lua/XTemplates/**: UI templates, PlaceObj trees with functions in them
	LuaFolders int            // top folders under Lua/
	DLCs       int
	DLCCode    int    // per DLC
	DLCPresets int    // per DLC
	Data       int    // Data/**
	Mods       int    // mods besides the library mod (0: no Mods folder)
	ModFiles   [2]int // code files of one mod (min, max)
	LibFiles   int    // code files of the library mod
	Funcs      [2]int // functions of a game code file that a load runs (min, max)
	Failures   int    // files that fail with a runtime error
	// Shape (issue 22): quantiles (min, median, p90, p99, max) measured on
	// real Haemimont trees (stats.go, BENCHMARKS.md). CodeFuncs is the
	// functions of one game code file (methods, global and local functions,
	// most never run by a load), ModFuncs the same for a mod's code file,
	// DataPresets the presets of one Data/** file written as a list
	// (the other data files hold one nested preset each, as StoryBits do),
	// XNodes the windows of one UI template.
	CodeFuncs   quant
	ModFuncs    quant
	DataPresets quant
	XNodes      quant
	Tiny        int // percent of game code files that are tiny: a function or two, no classes, no handlers
	Stories     int // percent of Data/** files that hold one nested preset
	MethodShare int // percent of a class file's functions that are its classes' methods
	UniqueText  int // percent of data texts written fresh (the rest come from a shared pool)
	DataFuncs   int // percent of list presets with a function property (compiled, never called)
	HubChildren int // percent of game classes deriving from one of the big base classes
	// Contested is how many game class methods the mods overwrite among
	// themselves: each mod but the library gets Code/Overrides.lua, which
	// wraps or replaces a few of them and a game constant (conflicts.go).
	Contested int
}

// Shapes measured on the real trees: Surviving Mars's shipped Lua for
// shipped and mods (1,126 files), Jagged Alliance 3's CommonLua, Lua and
// Data for huge (4,032 files); ChoGGi's published mods for mod code.
var (
	smCodeFuncs   = quant{0, 1, 74, 220, 420}
	ja3CodeFuncs  = quant{0, 4, 66, 300, 700}
	modCodeFuncs  = quant{0, 1, 13, 40, 80}
	smDataPresets = quant{1, 3, 22, 150, 900}
	smXNodes      = quant{1, 7, 50, 140, 260}
)

// Presets are the named sizes: shipped is about a real shipped game without
// mods, mods adds a modding scene, huge is a second, larger game. The mix of
// code and data files follows the real trees: about two files in three are
// data (presets, UI templates), and code files range from a few lines to
// thousands.
var Presets = map[string]Preset{
	"small": {Name: "small", CommonTop: 4, Classes: 6, UI: 3, Platforms: map[string]int{"pc": 1, "desktop": 1, "xbox": 1},
		CommonData: 2, Lua: 18, XTemplates: 3, LuaFolders: 3, DLCs: 1, DLCCode: 3, DLCPresets: 1, Data: 3,
		Mods: 2, ModFiles: [2]int{2, 3}, LibFiles: 3, Funcs: [2]int{2, 4}, Failures: 1,
		CodeFuncs: smCodeFuncs, ModFuncs: modCodeFuncs, DataPresets: quant{1, 3, 20, 40, 40}, XNodes: smXNodes,
		Stories: 55, MethodShare: 65, UniqueText: 100, DataFuncs: 2, HubChildren: 25, Tiny: 20},
	"shipped": {Name: "shipped", CommonTop: 40, Classes: 80, UI: 40, Platforms: map[string]int{"pc": 8, "desktop": 5, "xbox": 4},
		CommonData: 40, Lua: 200, XTemplates: 260, LuaFolders: 18, DLCs: 3, DLCCode: 10, DLCPresets: 10, Data: 400,
		Funcs: [2]int{0, 2}, Failures: 5,
		CodeFuncs: smCodeFuncs, ModFuncs: modCodeFuncs, DataPresets: smDataPresets, XNodes: smXNodes,
		Stories: 55, MethodShare: 65, UniqueText: 100, DataFuncs: 2, HubChildren: 25, Tiny: 20},
	"mods": {Name: "mods", CommonTop: 40, Classes: 80, UI: 40, Platforms: map[string]int{"pc": 8, "desktop": 5, "xbox": 4},
		CommonData: 40, Lua: 200, XTemplates: 260, LuaFolders: 18, DLCs: 3, DLCCode: 10, DLCPresets: 10, Data: 400,
		Mods: 110, ModFiles: [2]int{6, 16}, LibFiles: 40, Funcs: [2]int{0, 2}, Failures: 10,
		CodeFuncs: smCodeFuncs, ModFuncs: modCodeFuncs, DataPresets: smDataPresets, XNodes: smXNodes,
		Stories: 55, MethodShare: 65, UniqueText: 100, DataFuncs: 2, HubChildren: 25, Tiny: 20},
	"huge": {Name: "huge", CommonTop: 150, Classes: 200, UI: 150, Platforms: map[string]int{"pc": 25, "desktop": 15, "xbox": 10},
		CommonData: 200, Lua: 1050, XTemplates: 500, LuaFolders: 30, DLCs: 6, DLCCode: 15, DLCPresets: 60, Data: 1260,
		Funcs: [2]int{0, 2}, Failures: 20,
		CodeFuncs: ja3CodeFuncs, ModFuncs: modCodeFuncs, DataPresets: quant{1, 2, 66, 250, 1200}, XNodes: smXNodes,
		Tiny: 70, Stories: 30, MethodShare: 40, UniqueText: 40, DataFuncs: 12, HubChildren: 55},
	"conflicts": {Name: "conflicts", CommonTop: 40, Classes: 80, UI: 40, Platforms: map[string]int{"pc": 8, "desktop": 5, "xbox": 4},
		CommonData: 40, Lua: 200, XTemplates: 260, LuaFolders: 18, DLCs: 3, DLCCode: 10, DLCPresets: 10, Data: 400,
		Mods: 110, ModFiles: [2]int{6, 16}, LibFiles: 40, Funcs: [2]int{0, 2}, Failures: 10, Contested: 30,
		CodeFuncs: smCodeFuncs, ModFuncs: modCodeFuncs, DataPresets: smDataPresets, XNodes: smXNodes,
		Stories: 55, MethodShare: 65, UniqueText: 100, DataFuncs: 2, HubChildren: 25, Tiny: 20},
}

// Failure is a file that fails on purpose, with the line and the message
// C Lua 5.1 gives (gopher-lua words it differently; the line is the same).
type Failure struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// Manifest describes a generated tree; it is written as DIR/.gengame.json.
type Manifest struct {
	Preset   string    `json:"preset"`
	Seed     uint64    `json:"seed"`
	Files    int       `json:"files"`     // every file written (not counting the manifest)
	Bytes    int64     `json:"bytes"`     // their total size
	LuaFiles int       `json:"lua_files"` // .lua files among them
	Executed int       `json:"executed"`  // Lua file runs of one first load (platforms pc and desktop, stub mode)
	Classes  int       `json:"classes"`   // classes declared
	Handlers int       `json:"handlers"`  // OnMsg handlers registered by a first load
	Presets  int       `json:"presets"`   // PlaceObj presets in data files
	Mods     []string  `json:"mods"`      // mod ids, in folder order
	NotRun   []string  `json:"not_run"`   // .lua files a first load does not run (other platforms, metadata)
	Failures []Failure `json:"expect_fail"`
	SHA256   string    `json:"sha256"` // over every path and content, in path order
}

// ManifestFile is the manifest's name inside the generated folder.
const ManifestFile = ".gengame.json"

// Generate writes the tree of preset name with seed into dir (created if
// missing; existing files of the same names are overwritten) and returns
// its manifest, which it also writes as dir/.gengame.json.
func Generate(dir, name string, seed uint64) (*Manifest, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("gengame: create %s: %w", dir, err)
	}
	made := map[string]bool{}
	m, err := Build(name, seed, func(rel string, data []byte) error {
		full := filepath.Join(dir, filepath.FromSlash(rel))
		if d := filepath.Dir(full); !made[d] {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return fmt.Errorf("gengame: create %s: %w", d, err)
			}
			made[d] = true
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			return fmt.Errorf("gengame: write %s: %w", full, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("gengame: encode manifest: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), append(js, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("gengame: write %s: %w", ManifestFile, err)
	}
	return m, nil
}

// Build generates the tree of preset name with seed and hands every file,
// in path order, to emit. It writes nothing itself.
func Build(name string, seed uint64, emit func(rel string, data []byte) error) (*Manifest, error) {
	p, ok := Presets[name]
	if !ok {
		names := make([]string, 0, len(Presets))
		for n := range Presets {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("gengame: unknown preset %q (want one of %s)", name, strings.Join(names, ", "))
	}
	pl := newPlan(p, seed)
	pl.layout()
	pl.assignClasses()
	pl.chooseFailures()
	out := pl.emitAll()
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	m := &Manifest{Preset: p.Name, Seed: seed, Files: len(out)}
	h := sha256.New()
	for _, f := range out {
		m.Bytes += int64(len(f.data))
		h.Write([]byte(f.path))
		h.Write([]byte{0})
		h.Write(f.data)
		h.Write([]byte{0})
		if err := emit(f.path, f.data); err != nil {
			return nil, err
		}
	}
	m.SHA256 = hex.EncodeToString(h.Sum(nil))
	for _, f := range pl.files {
		if strings.HasSuffix(f.path, ".lua") {
			m.LuaFiles++
			if f.run {
				m.Executed++
			} else {
				m.NotRun = append(m.NotRun, f.path)
			}
		}
		if f.run {
			m.Handlers += f.handlers
		}
		m.Classes += len(f.classes)
		m.Presets += f.presets
		if f.failLine > 0 {
			m.Failures = append(m.Failures, Failure{File: f.path, Line: f.failLine, Message: f.failMsg})
		}
	}
	sort.Strings(m.NotRun)
	sort.Slice(m.Failures, func(i, j int) bool { return m.Failures[i].File < m.Failures[j].File })
	for _, md := range pl.mods {
		m.Mods = append(m.Mods, md.id)
	}
	return m, nil
}

type kind int

const (
	kCommon kind = iota
	kClasses
	kUI
	kPlatform
	kGame
	kDLC
	kData
	kModCode
	kModOptions
	kModMeta
	kModLoc
	kModOverride // Code/Overrides.lua of the conflicts preset
	kXTemplate   // Lua/XTemplates/**: one PlaceObj('XTemplate') tree
	kXLoad       // Lua/XTemplates/__load.lua: keeps the folder walk out
)

type classSpec struct {
	name     string
	parents  []string
	fields   []string
	methods  []string // methods a load may call (the ClassesBuilt handlers, mods' wrappers)
	cold     []string // methods a load never calls: defined, compiled, not run
	callForm bool
	init     bool
	root     bool
	hub      bool     // a big base class many classes derive from
	mod      *modSpec // nil for the game's own classes
}

type fileSpec struct {
	path     string
	kind     kind
	mod      *modSpec
	classes  []*classSpec
	run      bool // a first load runs it
	fail     bool
	failLine int
	failMsg  string
	handlers int
	presets  int
	tiny     bool     // a tiny code file (Preset.Tiny)
	consts   []string // const names this file defines
	preset   string   // preset class of a data file
}

type modSpec struct {
	id, title, folder string
	deps              []string
	code              []string // the metadata's code list, in list order
	options           bool
	lib               bool
}

type plan struct {
	p       Preset
	root    *rng
	r       *rng
	names   *namer
	files   []*fileSpec
	consts  []string
	mods    []*modSpec
	lib     *modSpec
	classes []*classSpec
	paths   map[string]bool
}

type outFile struct {
	path string
	data []byte
}

func newPlan(p Preset, seed uint64) *plan {
	root := newRng(seed)
	return &plan{p: p, root: root, r: root.sub("plan"), names: newNamer(), paths: map[string]bool{}}
}

func (pl *plan) add(f *fileSpec) *fileSpec {
	pl.files = append(pl.files, f)
	pl.paths[strings.ToLower(f.path)] = true
	return f
}

// fileName picks an unused file name in folder.
func (pl *plan) fileName(folder string) string {
	r := pl.r
	for {
		base := pick(r, nouns) + pick(r, suffixes)
		if r.chance(30) {
			base = pick(r, adjectives) + base
		}
		p := path.Join(folder, base+".lua")
		if !pl.paths[strings.ToLower(p)] {
			return p
		}
	}
}

// spread places n files of kind k under folder, some in subfolders
// (depth up to 2), and returns them.
func (pl *plan) spread(folder string, n, subdirs int, k kind, run bool) {
	r := pl.r
	dirs := []string{folder}
	for range subdirs {
		parent := dirs[r.intn(len(dirs))]
		if strings.Count(strings.TrimPrefix(parent, folder), "/") >= 2 {
			parent = folder
		}
		dirs = append(dirs, path.Join(parent, pick(r, folderWords)))
	}
	for range n {
		pl.add(&fileSpec{path: pl.fileName(dirs[r.intn(len(dirs))]), kind: k, run: run})
	}
}

var dlcNames = []string{"Armstrong", "Gagarin", "Picard", "Kerwin", "Shepard", "Contentpack", "Below", "Beyond"}

func (pl *plan) layout() {
	p, r := pl.p, pl.r
	for range p.CommonTop {
		pl.add(&fileSpec{path: pl.fileName("CommonLua"), kind: kCommon, run: true})
	}
	pl.spread("CommonLua/Classes", p.Classes, p.Classes/25, kClasses, true)
	pl.spread("CommonLua/UI", p.UI, p.UI/20, kUI, true)
	plats := make([]string, 0, len(p.Platforms))
	for name := range p.Platforms {
		plats = append(plats, name)
	}
	sort.Strings(plats)
	for _, name := range plats {
		pl.spread("CommonLua/Platforms/"+name, p.Platforms[name], p.Platforms[name]/8, kPlatform, name == "pc" || name == "desktop")
	}
	pl.spread("CommonLua/Data", p.CommonData, 0, kData, true)
	pl.spread("Lua", p.Lua, p.LuaFolders*2, kGame, true)
	for _, f := range pl.files {
		if f.kind == kGame && p.Tiny > 0 {
			f.tiny = r.chance(p.Tiny)
		}
	}
	if p.XTemplates > 0 {
		// As in the real games, the folder walk runs only the empty
		// __load.lua; the templates load at ClassesBuilt (LoadXTemplates).
		pl.add(&fileSpec{path: "Lua/XTemplates/__load.lua", kind: kXLoad, run: true})
		pl.spread("Lua/XTemplates", p.XTemplates, 0, kXTemplate, true)
	}
	for i := range p.DLCs {
		d := "DLC/" + dlcNames[i%len(dlcNames)]
		pl.spread(d+"/Code", p.DLCCode, p.DLCCode/10, kDLC, true)
		pl.spread(d+"/Presets", p.DLCPresets, 0, kData, true)
	}
	pl.spread("Data", p.Data, p.Data/8, kData, true)
	for _, f := range pl.files {
		if f.kind == kData {
			f.preset = pick(r, presetClasses)
		}
	}
	// Constants: defined in the CommonLua top files, read everywhere.
	for i, f := range pl.files {
		if f.kind == kCommon && (i%3 == 0) {
			for range r.between(8, 25) {
				name := pl.names.unique(pick(r, nouns) + pick(r, suffixes))
				f.consts = append(f.consts, name)
				pl.consts = append(pl.consts, name)
			}
		}
	}
	if len(pl.consts) == 0 {
		pl.consts = []string{"DefaultCapacity"}
	}
	if p.Mods > 0 {
		pl.layoutMods()
	}
}

func (pl *plan) layoutMods() {
	p, r := pl.p, pl.r
	lib := &modSpec{id: "LibMod", title: "Lib Mod", folder: "Mods/Lib Mod", lib: true, options: true}
	pl.lib = lib
	pl.mods = append(pl.mods, lib)
	used := map[string]bool{"Lib Mod": true}
	for i := range p.Mods {
		var title string
		for {
			title = pick(r, modWords) + " " + pick(r, modWords)
			if r.chance(20) {
				title += " " + pick(r, modWords)
			}
			if i%29 == 7 {
				title = pick(r, authors) + "'s " + title
			}
			if !used[title] {
				break
			}
		}
		used[title] = true
		id := strings.NewReplacer(" ", "", "'", "").Replace(title)
		md := &modSpec{id: id, title: title, folder: "Mods/" + title, options: r.chance(50)}
		if !r.chance(10) {
			md.deps = append(md.deps, lib.id)
		}
		if i > 0 && r.chance(12) {
			md.deps = append(md.deps, pl.mods[1+r.intn(i)].id) // another mod, earlier or later in folder order
		}
		pl.mods = append(pl.mods, md)
	}
	for _, md := range pl.mods {
		n := r.between(p.ModFiles[0], p.ModFiles[1])
		if md.lib {
			n = p.LibFiles
		}
		var code []string
		for j := range n {
			folder := "Code"
			if j > 2 && r.chance(30) {
				folder = "Code/" + pick(r, folderWords)
			}
			f := pl.fileName(path.Join(md.folder, folder))
			if j == 0 {
				f = path.Join(md.folder, "Code/Core.lua")
				if !md.lib {
					f = path.Join(md.folder, "Code/Script.lua")
				}
			}
			pl.add(&fileSpec{path: f, kind: kModCode, mod: md, run: true})
			code = append(code, strings.TrimPrefix(f, md.folder+"/"))
		}
		// The code list is in the modder's order, not sorted; the library's
		// Core.lua stays first because the rest of it uses its table.
		rest := code[1:]
		shuffle(r, rest)
		md.code = code
		if p.Contested > 0 && !md.lib {
			pl.add(&fileSpec{path: md.folder + "/" + overridesFile, kind: kModOverride, mod: md, run: true})
			md.code = append(md.code, overridesFile)
		}
		pl.add(&fileSpec{path: md.folder + "/metadata.lua", kind: kModMeta, mod: md})
		if md.options {
			pl.add(&fileSpec{path: md.folder + "/items.lua", kind: kModOptions, mod: md, run: true})
		}
		pl.add(&fileSpec{path: md.folder + "/Localization/English.csv", kind: kModLoc, mod: md})
	}
}

var rootClasses = []string{"CObject", "PropertyObject", "InitDone", "Object", "XWindow", "Preset"}

// assignClasses declares classes in code files and draws their parents so
// that inheritance is acyclic but declaration order is not.
func (pl *plan) assignClasses() {
	r := pl.r
	var classFiles, gameFiles []*fileSpec
	for _, f := range pl.files {
		if !f.run || f.tiny {
			continue
		}
		n := 0
		switch f.kind {
		case kClasses:
			n = r.between(3, 7)
			classFiles = append(classFiles, f)
		case kUI:
			n = r.between(1, 3)
		case kGame, kDLC:
			n = r.between(0, 4)
		case kCommon:
			n = r.between(0, 2)
		case kModCode:
			n = r.between(0, 1)
		}
		if f.kind != kModCode && f.kind != kData && f.kind != kModOptions && f.kind != kModOverride && f.kind != kXTemplate && f.kind != kXLoad {
			gameFiles = append(gameFiles, f)
		}
		for range n {
			cl := &classSpec{name: pl.names.class(r), mod: f.mod}
			if f.mod != nil {
				cl.name = pl.names.unique(f.mod.id + "_" + pick(r, nouns) + pick(r, suffixes))
			}
			f.classes = append(f.classes, cl)
		}
	}
	// Roots and preset classes go to random class files (not the first).
	place := func(cl *classSpec) {
		f := classFiles[r.intn(len(classFiles))]
		if len(gameFiles) > 0 && r.chance(20) {
			f = gameFiles[r.intn(len(gameFiles))]
		}
		f.classes = append(f.classes, cl)
	}
	for _, name := range rootClasses {
		cl := &classSpec{name: name, root: true}
		if name == "Preset" {
			cl.parents = []string{"PropertyObject"}
		}
		pl.names.used[name] = true
		place(cl)
	}
	for _, name := range presetClasses {
		pl.names.used[name] = true
		place(&classSpec{name: name, parents: []string{"Preset"}, root: true,
			fields: []string{"build_points", "sort_key"}})
	}
	// Ranks: a class's parents come from classes of lower rank.
	var game []*classSpec
	byMod := map[*modSpec][]*classSpec{}
	for _, f := range pl.files {
		for _, cl := range f.classes {
			if cl.root {
				continue
			}
			if cl.mod == nil {
				game = append(game, cl)
			} else {
				byMod[cl.mod] = append(byMod[cl.mod], cl)
			}
		}
	}
	shuffle(r, game)
	roots := []string{"CObject", "PropertyObject", "InitDone", "Object"}
	// Hubs: the first few classes are the big base classes real games
	// have (Building, Unit, XWindow...): many members, chained on each
	// other, and many classes derive from them, so a class system copying
	// inherited members does as much work as on a real tree.
	hubs := min(max(1, len(game)*4/100), 24)
	deep := map[*classSpec]bool{} // hubs and their descendants
	for i, cl := range game[:min(hubs, len(game))] {
		cl.hub = true
		deep[cl] = true
		if i > 0 {
			cl.parents = append(cl.parents, game[i-1-r.intn(min(i, 2))].name)
		} else {
			cl.parents = append(cl.parents, pick(r, roots))
		}
		for range r.between(5, 15) {
			if fl := field(r); !contains(cl.fields, fl) {
				cl.fields = append(cl.fields, fl)
			}
		}
	}
	for i, cl := range game {
		if cl.hub {
			continue
		}
		if r.chance(pl.p.HubChildren) {
			cl.parents = append(cl.parents, game[hubs/2+r.intn(hubs-hubs/2)].name)
			deep[cl] = true
		} else if i > 0 && r.chance(30) {
			// or another class of the game, itself not under a hub
			if p := game[r.intn(i)]; !deep[p] {
				cl.parents = append(cl.parents, p.name)
			}
		}
		if len(cl.parents) == 0 || r.chance(35) {
			cl.parents = append(cl.parents, pick(r, roots))
		}
	}
	for _, md := range pl.mods {
		own := byMod[md]
		shuffle(r, own)
		var lib []*classSpec
		if contains(md.deps, "LibMod") {
			lib = byMod[pl.lib]
		}
		for i, cl := range own {
			switch {
			case i > 0 && r.chance(30):
				cl.parents = append(cl.parents, own[r.intn(i)].name)
			case len(lib) > 0 && r.chance(50):
				cl.parents = append(cl.parents, lib[r.intn(len(lib))].name)
			case len(game) > 0:
				cl.parents = append(cl.parents, game[r.intn(len(game))].name)
			default:
				cl.parents = append(cl.parents, "Object")
			}
		}
	}
	for _, f := range pl.files {
		for _, cl := range f.classes {
			cl.callForm = !cl.root && !cl.hub && r.chance(15)
			cl.init = !cl.root && !cl.callForm && r.chance(15)
			if !cl.root {
				for range r.between(0, 4) {
					if fl := field(r); !contains(cl.fields, fl) {
						cl.fields = append(cl.fields, fl)
					}
				}
				for range r.between(0, 1) + btoi(r.chance(20)) {
					if m := method(r); !contains(cl.methods, m) {
						cl.methods = append(cl.methods, m)
					}
				}
			}
			pl.classes = append(pl.classes, cl)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// chooseFailures picks the files that fail on purpose: game and mod code
// files that no other file depends on for a run (nothing reads what they
// define after their failing last line).
func (pl *plan) chooseFailures() {
	var cand []*fileSpec
	for _, f := range pl.files {
		if (f.kind == kGame || (f.kind == kModCode && !f.mod.lib && !strings.HasSuffix(f.path, "/Script.lua"))) && f.run {
			cand = append(cand, f)
		}
	}
	r := pl.root.sub("failures")
	shuffle(r, cand)
	n := min(pl.p.Failures, len(cand))
	// Half from mods when there are mods, so that a report shows both.
	var game, mods []*fileSpec
	for _, f := range cand {
		if f.kind == kGame {
			game = append(game, f)
		} else {
			mods = append(mods, f)
		}
	}
	take := func(list []*fileSpec, k int) {
		for i := 0; i < k && i < len(list); i++ {
			list[i].fail = true
		}
	}
	if len(mods) > 0 {
		take(mods, n/2)
		take(game, n-n/2)
	} else {
		take(game, n)
	}
}

// emitAll writes the content of every planned file.
func (pl *plan) emitAll() []outFile {
	out := make([]outFile, 0, len(pl.files))
	for _, f := range pl.files {
		c := &fileCtx{r: pl.root.sub(f.path), w: &writer{}, plan: pl, spec: f}
		switch f.kind {
		case kData:
			c.data()
		case kXTemplate:
			c.xtemplate()
		case kXLoad:
			c.w.l("-- UI templates: loaded by LoadXTemplates when the classes are built")
		case kModMeta:
			c.metadata()
		case kModOptions:
			c.options()
		case kModLoc:
			c.loctable()
		case kModOverride:
			c.overrides()
		default:
			c.code()
		}
		out = append(out, outFile{path: f.path, data: c.w.bytes()})
	}
	return out
}
