package autorun

import (
	"context"
	"errors"
	"fmt"
	"path"
	"runtime/metrics"
	"sort"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

// ModDef is a mod's metadata.lua: `return PlaceObj("ModDef", { "id", "X",
// "title", "...", "code", {...}, "dependencies", {...}, ... })`.
type ModDef struct {
	ID           string   `json:"id"`
	Title        string   `json:"title,omitempty"`
	Version      string   `json:"version,omitempty"`
	Folder       string   `json:"folder"` // "Mods/<folder>", set by the caller
	Code         []string `json:"code"`
	Dependencies []ModDep `json:"dependencies,omitempty"`
	Loctables    []string `json:"loctables,omitempty"`
	HasOptions   bool     `json:"has_options,omitempty"`
	// Props holds every key of the definition as plain values.
	Props map[string]any `json:"-"`
}

// ModDep is one entry of a mod's dependencies.
type ModDep struct {
	ID    string `json:"id"`
	Title string `json:"title,omitempty"`
}

// metadataTimeout bounds running one metadata.lua: it is a data file.
const metadataTimeout = time.Second

// metadataHeap bounds the heap growth while a metadata.lua runs.
const metadataHeap = 256 << 20

// ReadModDef runs a metadata.lua (src, named name for errors) in a bare Lua
// state that has only PlaceObj and T, under a short deadline and a heap
// bound, and reads the mod definition it returns. Errors name the file and,
// where known, the line.
func ReadModDef(src []byte, name string) (*ModDef, error) {
	proto, err := engine.CompileSource(name, src)
	if err != nil {
		return nil, err
	}
	L := lua.NewState(lua.Options{SkipOpenLibs: true, CallStackSize: 64, RegistrySize: 1024, RegistryMaxSize: 256 * 1024})
	defer L.Close()
	ctx, cancel := context.WithTimeoutCause(context.Background(), metadataTimeout,
		fmt.Errorf("%s: stopped after %s: metadata.lua should only return the mod's definition (an infinite loop?)", name, metadataTimeout))
	defer cancel()
	stop := watchHeap(cancelFunc(cancel), name)
	defer stop()
	L.SetContext(ctx)
	G := L.G.Global
	G.RawSetString("PlaceObj", L.NewFunction(func(L *lua.LState) int {
		L.Push(placeObj(L, L.CheckString(1), L.OptTable(2, nil)))
		return 1
	}))
	G.RawSetString("T", L.NewFunction(func(L *lua.LState) int {
		// T(id, "text") or T{id, "text"}: keep the text
		for i := L.GetTop(); i >= 1; i-- {
			if s, ok := L.Get(i).(lua.LString); ok {
				L.Push(s)
				return 1
			}
			if t, ok := L.Get(i).(*lua.LTable); ok {
				L.Push(t.RawGetInt(t.Len()))
				return 1
			}
		}
		L.Push(lua.LString(""))
		return 1
	}))
	G.RawSetString("Platform", L.CreateTable(0, 0))
	fn := L.NewFunctionFromProto(proto)
	L.Push(fn)
	if err := L.PCall(0, 1, nil); err != nil {
		if cause := context.Cause(ctx); cause != nil && ctx.Err() != nil {
			return nil, cause
		}
		msg := err.Error()
		var aerr *lua.ApiError
		if errors.As(err, &aerr) {
			if s, ok := aerr.Object.(lua.LString); ok {
				msg = string(s)
			}
		}
		return nil, fmt.Errorf("%s", firstLine(msg))
	}
	t, ok := L.Get(-1).(*lua.LTable)
	if !ok {
		return nil, notModDef{fmt.Sprintf("%s: metadata.lua must return PlaceObj(\"ModDef\", {...}), it returned %s", name, L.Get(-1).Type())}
	}
	return modDefOf(t, name)
}

// notModDef is the error of a metadata.lua that returns no definition (a
// mod its author disabled by commenting it out): the engine skips such a
// folder without a word, and so modscope only notes it.
type notModDef struct{ msg string }

func (e notModDef) Error() string { return e.msg }

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

type cancelFunc func()

// watchHeap cancels when the heap grows by more than metadataHeap while a
// metadata file runs; it returns the function that stops watching.
func watchHeap(cancel cancelFunc, name string) func() {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			return sample[0].Value.Uint64()
		}
		return 0
	}
	base := read()
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if read() > base+metadataHeap {
					cancel()
					return
				}
			}
		}
	}()
	return func() { close(done) }
}

// placeObj builds a table from a class name and either a flat list of
// alternating keys and values or a table with named keys.
func placeObj(L *lua.LState, class string, props *lua.LTable) *lua.LTable {
	out := L.CreateTable(0, 8)
	if props != nil {
		n := props.Len()
		if n%2 == 0 {
			for i := 1; i < n; i += 2 {
				if k, ok := props.RawGetInt(i).(lua.LString); ok {
					out.RawSet(k, props.RawGetInt(i+1))
				}
			}
		}
		props.ForEach(func(k, v lua.LValue) {
			if num, ok := k.(lua.LNumber); ok && float64(num) >= 1 && float64(num) <= float64(n) {
				return
			}
			out.RawSet(k, v)
		})
	}
	out.RawSetString("class", lua.LString(class))
	return out
}

func modDefOf(t *lua.LTable, name string) (*ModDef, error) {
	d := &ModDef{Props: map[string]any{}}
	t.ForEach(func(k, v lua.LValue) {
		if s, ok := k.(lua.LString); ok {
			d.Props[string(s)] = engine.ToPlain(v, 4)
		}
	})
	if c := t.RawGetString("class"); c != lua.LString("ModDef") {
		return nil, fmt.Errorf("%s: metadata.lua must return PlaceObj(\"ModDef\", {...}), it returned an object of class %s", name, c)
	}
	str := func(key string) string {
		switch v := t.RawGetString(key).(type) {
		case lua.LString:
			return string(v)
		case lua.LNumber:
			return v.String()
		}
		return ""
	}
	d.ID, d.Title, d.Version = strings.TrimSpace(str("id")), str("title"), str("version")
	d.HasOptions = lua.LVAsBool(t.RawGetString("has_options"))
	if code, ok := t.RawGetString("code").(*lua.LTable); ok {
		for i := 1; i <= code.Len(); i++ {
			if s, ok := code.RawGetInt(i).(lua.LString); ok {
				d.Code = append(d.Code, string(s))
			} else {
				return nil, fmt.Errorf("%s: code entry %d is a %s, not a file name", name, i, code.RawGetInt(i).Type())
			}
		}
	} else if v := t.RawGetString("code"); v != lua.LNil {
		return nil, fmt.Errorf("%s: \"code\" must be a list of file names, it is a %s", name, v.Type())
	}
	if deps, ok := t.RawGetString("dependencies").(*lua.LTable); ok {
		for i := 1; i <= deps.Len(); i++ {
			switch e := deps.RawGetInt(i).(type) {
			case *lua.LTable:
				id, _ := e.RawGetString("id").(lua.LString)
				title, _ := e.RawGetString("title").(lua.LString)
				if strings.TrimSpace(string(id)) == "" {
					return nil, fmt.Errorf("%s: dependency %d has no id", name, i)
				}
				d.Dependencies = append(d.Dependencies, ModDep{ID: strings.TrimSpace(string(id)), Title: string(title)})
			case lua.LString:
				d.Dependencies = append(d.Dependencies, ModDep{ID: strings.TrimSpace(string(e))})
			default:
				return nil, fmt.Errorf("%s: dependency %d is a %s, want PlaceObj(\"ModDependency\", {\"id\", ...})", name, i, e.Type())
			}
		}
	}
	if locs, ok := t.RawGetString("loctables").(*lua.LTable); ok {
		for i := 1; i <= locs.Len(); i++ {
			switch e := locs.RawGetInt(i).(type) {
			case lua.LString:
				d.Loctables = append(d.Loctables, string(e))
			case *lua.LTable:
				if f, ok := e.RawGetString("filename").(lua.LString); ok {
					d.Loctables = append(d.Loctables, string(f))
				}
			}
		}
	}
	return d, nil
}

// modProblem is why a mod is not loaded, reported at the Mod Lua step.
type modProblem struct {
	File string // the mod's metadata.lua
	Line int
	Msg  string
	Note bool // printed, not an error (the engine says nothing)
}

// discoverMods reads every Mods/<folder>/metadata.lua and orders the
// enabled mods so that a dependency always loads first. Mods that cannot
// load (bad metadata, a missing dependency, a cycle) are left out, with
// one problem each naming the mods.
func discoverMods(g *engine.Game) ([]*ModDef, []modProblem) {
	var all []*ModDef
	var probs []modProblem
	byID := map[string]*ModDef{}
	for _, dir := range g.SubDirs("Mods") {
		folder := path.Join("Mods", dir)
		meta := path.Join(folder, "metadata.lua")
		if !g.Exists(meta) {
			// not a mod: the engine passes such folders by without a word
			probs = append(probs, modProblem{File: meta, Note: true, Msg: fmt.Sprintf("folder %s has no metadata.lua: not a mod, skipped", folder)})
			continue
		}
		src, err := g.ReadFile(meta)
		if err != nil {
			probs = append(probs, modProblem{File: meta, Msg: fmt.Sprintf("mod folder %s has no readable metadata.lua (%v); skipped", folder, err)})
			continue
		}
		d, err := ReadModDef(src, meta)
		if err != nil {
			p := problemOf(meta, err, "the mod is skipped")
			var nd notModDef
			p.Note = errors.As(err, &nd)
			probs = append(probs, p)
			continue
		}
		d.Folder = folder
		if d.ID == "" {
			probs = append(probs, modProblem{File: meta, Msg: fmt.Sprintf("mod %s has no \"id\"; skipped", folder)})
			continue
		}
		if prev := byID[d.ID]; prev != nil {
			probs = append(probs, modProblem{File: meta, Msg: fmt.Sprintf("mod id %q is used by both %s and %s; %s is skipped", d.ID, prev.Folder, folder, folder)})
			continue
		}
		byID[d.ID] = d
		all = append(all, d)
	}
	if want := settingsOf(g).Mods; len(want) > 0 {
		enabled := map[string]bool{}
		for _, id := range want {
			enabled[id] = true
			if byID[id] == nil {
				probs = append(probs, modProblem{File: engine.SettingsFile, Msg: fmt.Sprintf("modscope.toml enables mod %q, which is not installed", id)})
			}
		}
		var keep []*ModDef
		for _, d := range all {
			if enabled[d.ID] {
				keep = append(keep, d)
			} else {
				delete(byID, d.ID)
			}
		}
		// The list is the player's enabled-mods list (AccountStorage.LoadMods):
		// the engine loads in its order.
		rank := map[string]int{}
		for i, id := range want {
			if _, seen := rank[id]; !seen {
				rank[id] = i
			}
		}
		sort.SliceStable(keep, func(i, j int) bool { return rank[keep[i].ID] < rank[keep[j].ID] })
		all = keep
	} else {
		// No list: every installed mod, as the engine's LoadAllMods does
		// (GetModsToLoad sorts the ids).
		sort.SliceStable(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	}
	ordered, more := orderMods(all, byID)
	return ordered, append(probs, more...)
}

func problemOf(file string, err error, tail string) modProblem {
	p := modProblem{File: file, Msg: err.Error()}
	var ce *engine.CompileError
	if errors.As(err, &ce) {
		p.Line, p.Msg = ce.Line, ce.Msg
	} else if rest, ok := strings.CutPrefix(p.Msg, file+":"); ok {
		var line int
		if n, _ := fmt.Sscanf(rest, "%d:", &line); n == 1 {
			p.Line = line
			if i := strings.IndexByte(rest, ':'); i >= 0 {
				p.Msg = strings.TrimSpace(rest[i+1:])
			}
		} else {
			p.Msg = strings.TrimSpace(rest)
		}
	}
	p.Msg += " (" + tail + ")"
	return p
}

// orderMods puts mods in the engine's loading queue (Mod.lua's
// GetLoadingQueue): in list order, each mod's dependencies enqueued
// depth-first just before it. Mods whose dependencies are missing, skipped
// or in a cycle are left out with a problem each.
func orderMods(all []*ModDef, byID map[string]*ModDef) ([]*ModDef, []modProblem) {
	var probs []modProblem
	skipped := map[string]string{} // id -> why
	// Missing dependencies, transitively.
	for changed := true; changed; {
		changed = false
		for _, d := range all {
			if skipped[d.ID] != "" {
				continue
			}
			for _, dep := range d.Dependencies {
				why := ""
				switch {
				case byID[dep.ID] == nil:
					why = fmt.Sprintf("mod %s (%s) depends on %s, which is not installed or not enabled; %s is skipped", d.ID, d.Folder, dep.ID, d.ID)
				case skipped[dep.ID] != "":
					why = fmt.Sprintf("mod %s (%s) depends on %s, which is skipped; %s is skipped too", d.ID, d.Folder, dep.ID, d.ID)
				}
				if why != "" {
					skipped[d.ID] = why
					probs = append(probs, modProblem{File: path.Join(d.Folder, "metadata.lua"), Msg: why})
					changed = true
					break
				}
			}
		}
	}
	// Kahn's algorithm in folder order.
	indeg := map[string]int{}
	users := map[string][]*ModDef{}
	var live []*ModDef
	for _, d := range all {
		if skipped[d.ID] == "" {
			live = append(live, d)
		}
	}
	for _, d := range live {
		seen := map[string]bool{}
		for _, dep := range d.Dependencies {
			if seen[dep.ID] {
				continue
			}
			seen[dep.ID] = true
			indeg[d.ID]++
			users[dep.ID] = append(users[dep.ID], d)
		}
	}
	pos := map[string]int{}
	for i, d := range live {
		pos[d.ID] = i
	}
	var ready []*ModDef
	for _, d := range live {
		if indeg[d.ID] == 0 {
			ready = append(ready, d)
		}
	}
	var out []*ModDef
	for len(ready) > 0 {
		sort.SliceStable(ready, func(i, j int) bool { return pos[ready[i].ID] < pos[ready[j].ID] })
		d := ready[0]
		ready = ready[1:]
		out = append(out, d)
		for _, u := range users[d.ID] {
			indeg[u.ID]--
			if indeg[u.ID] == 0 {
				ready = append(ready, u)
			}
		}
	}
	out = enqueueMods(live, out, byID)
	if len(out) < len(live) {
		// What is left is in a cycle or depends on one.
		left := map[string]*ModDef{}
		for _, d := range live {
			if indeg[d.ID] > 0 {
				left[d.ID] = d
			}
		}
		reported := map[string]bool{}
		for _, d := range live {
			if left[d.ID] == nil || reported[d.ID] {
				continue
			}
			cycle := findCycle(d, left)
			if len(cycle) == 0 {
				continue
			}
			names := strings.Join(cycle, " -> ")
			members := append([]string(nil), cycle[:len(cycle)-1]...)
			sort.Strings(members)
			for _, id := range members {
				if reported[id] {
					continue
				}
				reported[id] = true
				probs = append(probs, modProblem{File: path.Join(left[id].Folder, "metadata.lua"),
					Msg: fmt.Sprintf("dependency cycle %s: mods %s are skipped", names, strings.Join(members, ", "))})
			}
		}
		for _, d := range live {
			if left[d.ID] != nil && !reported[d.ID] {
				reported[d.ID] = true
				probs = append(probs, modProblem{File: path.Join(d.Folder, "metadata.lua"),
					Msg: fmt.Sprintf("mod %s (%s) depends on a mod in a dependency cycle; %s is skipped", d.ID, d.Folder, d.ID)})
			}
		}
	}
	return out, probs
}

// enqueueMods orders the loadable mods (ok, a subset of live) as the
// engine's EnqueueMod does: walking live in order, a mod's dependencies
// (in their declared order) go in before it, depth-first.
func enqueueMods(live, ok []*ModDef, byID map[string]*ModDef) []*ModDef {
	loadable := map[string]bool{}
	for _, d := range ok {
		loadable[d.ID] = true
	}
	queued := map[string]bool{}
	out := make([]*ModDef, 0, len(ok))
	var enqueue func(d *ModDef)
	enqueue = func(d *ModDef) {
		if queued[d.ID] || !loadable[d.ID] {
			return
		}
		queued[d.ID] = true // loadable mods have no cycles (Kahn's order found them all)
		for _, dep := range d.Dependencies {
			if m := byID[dep.ID]; m != nil {
				enqueue(m)
			}
		}
		out = append(out, d)
	}
	for _, d := range live {
		enqueue(d)
	}
	return out
}

// findCycle follows dependencies from d among left and returns a cycle as
// ids, the first repeated at the end ("A", "B", "A"), or nil.
func findCycle(d *ModDef, left map[string]*ModDef) []string {
	var stack []string
	onStack := map[string]int{}
	done := map[string]bool{}
	var visit func(x *ModDef) []string
	visit = func(x *ModDef) []string {
		if i, ok := onStack[x.ID]; ok {
			return append(append([]string(nil), stack[i:]...), x.ID)
		}
		if done[x.ID] {
			return nil
		}
		onStack[x.ID] = len(stack)
		stack = append(stack, x.ID)
		for _, dep := range x.Dependencies {
			if y := left[dep.ID]; y != nil {
				if c := visit(y); c != nil {
					return c
				}
			}
		}
		stack = stack[:len(stack)-1]
		delete(onStack, x.ID)
		done[x.ID] = true
		return nil
	}
	return visit(d)
}
