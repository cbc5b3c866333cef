package scripts

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

// Do implements engine.Model: attach, detach, callback, reload, edit and
// policy (docs/cli.md's event script).
func (m *Model) Do(cmd engine.Command) (engine.Result, bool) {
	step := cmd.String()
	switch cmd.Op {
	case "attach", "detach":
		a, err := m.parseAttachment(cmd)
		if err != nil {
			return engine.Failed("%v", err), true
		}
		var note string
		if cmd.Op == "attach" {
			if !m.g.Exists(a.Script) {
				return engine.Failed("attach: %s: no such file in the game folder", a.Script), true
			}
			note, err = m.attach(a, step)
		} else {
			note, err = m.detach(a, step)
		}
		if err != nil {
			return engine.Failed("%s: %v", cmd.Op, err), true
		}
		return engine.Result{OK: true, Result: note}, true
	case "callback":
		return m.doCallback(cmd, step), true
	case "reload":
		arg := cmd.Arg(0)
		if arg == "" {
			return m.reloadAll(step), true
		}
		return m.doEdit(arg, step, true), true
	case "edit":
		return m.doEdit(cmd.Arg(0), step, false), true
	case "policy":
		return m.doPolicy(cmd, step), true
	}
	return engine.Result{}, false
}

// parseEntity reads an ENTITY argument: a number, "entity:<id>", or one of
// "-", "static", "none" (or null) for no entity.
func parseEntity(v any) (bool, int64, error) {
	switch x := v.(type) {
	case nil:
		return false, 0, nil
	case float64:
		if x != math.Trunc(x) || math.IsInf(x, 0) {
			return false, 0, fmt.Errorf("entity %v is not a whole number", x)
		}
		return true, int64(x), nil
	case string:
		s := strings.TrimPrefix(x, "entity:")
		switch s {
		case "-", "static", "none", "":
			return false, 0, nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return false, 0, fmt.Errorf("entity %q: want a number, or - for none", x)
		}
		return true, n, nil
	}
	return false, 0, fmt.Errorf("entity %v: want a number, or - for none", v)
}

func (m *Model) parseAttachment(cmd engine.Command) (Key, error) {
	if len(cmd.Args) < 2 {
		return Key{}, fmt.Errorf("usage: %s", engine.Ops[cmd.Op])
	}
	has, id, err := parseEntity(cmd.Args[0])
	if err != nil {
		return Key{}, fmt.Errorf("%s: %v", cmd.Op, err)
	}
	p, err := engine.CleanPath(cmd.Arg(1))
	if err != nil {
		return Key{}, fmt.Errorf("%s: %v", cmd.Op, err)
	}
	return Key{HasEntity: has, Entity: id, Script: p}, nil
}

// ---- callbacks ----

// isTarget says whether a callback's first argument names recipients
// rather than the callback.
func isTarget(v any, nargs int) bool {
	s, ok := v.(string)
	if !ok || nargs < 2 {
		return false
	}
	switch s {
	case "all", "*", "shared", "static", TargetContexts:
		return true
	}
	return strings.Contains(s, ":")
}

// TargetContexts is the callback target that reaches every loaded context
// once, through its first resident (BMS's Recipients::AllContexts).
const TargetContexts = "contexts"

// recipients lists the attachments a target names, in attach order: a live
// context's residents, entity:<id>, script:<path>, entity:<id>/script:<path>,
// static, contexts (each context once) or all (every resident, as BMS's
// Recipients::AllScripts).
func (m *Model) recipients(target string) ([]Key, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if target == "" || target == "all" || target == "*" {
		return append([]Key(nil), m.attached...), nil
	}
	if target == TargetContexts {
		var out []Key
		for _, x := range m.orderedLocked() {
			if len(x.residents) > 0 {
				out = append(out, x.residents[0])
			}
		}
		return out, nil
	}
	if x := m.byName[target]; x != nil {
		return append([]Key(nil), x.residents...), nil
	}
	var match func(Key) bool
	ent, scr, hasEnt, hasScr := "", "", false, false
	switch {
	case strings.HasPrefix(target, "script:"): // a script path may hold "/"
		scr, hasScr = strings.TrimPrefix(target, "script:"), true
	case strings.HasPrefix(target, "entity:"):
		ent, hasEnt = strings.TrimPrefix(target, "entity:"), true
		if i := strings.Index(ent, "/script:"); i >= 0 {
			ent, scr, hasScr = ent[:i], ent[i+len("/script:"):], true
		}
	}
	switch {
	case target == "static":
		match = func(a Key) bool { return !a.HasEntity }
	case hasEnt || hasScr:
		var id int64
		if hasEnt {
			n, err := strconv.ParseInt(ent, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("target %q: entity %q is not a number", target, ent)
			}
			id = n
		}
		if hasScr {
			c, err := engine.CleanPath(scr)
			if err != nil {
				return nil, fmt.Errorf("target %q: %v", target, err)
			}
			scr = c
		}
		match = func(a Key) bool {
			return (!hasEnt || (a.HasEntity && a.Entity == id)) && (!hasScr || a.Script == scr)
		}
	default:
		return nil, fmt.Errorf("unknown target %q: want a context name, entity:<id>, script:<path>, static, contexts or all", target)
	}
	var out []Key
	for _, a := range m.attached {
		if match(a) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("target %q: no attached script matches (live contexts: %s)", target, strings.Join(m.namesLocked(), ", "))
	}
	return out, nil
}

func (m *Model) namesLocked() []string {
	var out []string
	for _, x := range m.orderedLocked() {
		out = append(out, x.c.Name)
	}
	return out
}

// doCallback sends a named callback to every recipient attachment, in its
// context, as BMS's event_handler does (handler.rs): only loaded contexts
// handle callbacks; a failing callback is recorded and the others still run.
func (m *Model) doCallback(cmd engine.Command, step string) engine.Result {
	args := cmd.Args
	target := ""
	if len(args) > 0 && isTarget(args[0], len(args)) {
		target = cmd.Arg(0)
		args = args[1:]
	}
	if len(args) == 0 {
		return engine.Failed("usage: %s", engine.Ops["callback"])
	}
	name, ok := args[0].(string)
	if !ok || name == "" {
		return engine.Failed("callback: the callback name must be a word, not %v", args[0])
	}
	args = args[1:]
	to, err := m.recipients(target)
	if err != nil {
		return engine.Failed("callback: %v", err)
	}
	var results []string
	handled := 0
	skipped := map[string]bool{}
	var skippedOrder []string
	for _, a := range to {
		m.mu.Lock()
		x := m.where[a]
		m.mu.Unlock()
		if x == nil {
			continue
		}
		if st := x.c.State(); st != engine.StateActive {
			if !skipped[x.c.Name] {
				skipped[x.c.Name] = true
				skippedOrder = append(skippedOrder, x.c.Name+" ("+st+")")
			}
			continue
		}
		if err := x.c.Do(func(o *engine.Lua) {
			L := o.L
			o.SetStep(step)
			r := m.call(x, a, name, engine.ArgsToLua(L, args), false)
			if r.via != ViaNone {
				handled++
			}
			if r.value != lua.LNil {
				results = append(results, fmt.Sprintf("%s [%s]: %s", o.Name, a.Label(), r.value.String()))
			}
		}); err != nil && !skipped[x.c.Name] { // unloaded meanwhile
			skipped[x.c.Name] = true
			skippedOrder = append(skippedOrder, x.c.Name+" ("+err.Error()+")")
		}
	}
	r := engine.Result{OK: true, Result: strings.Join(results, "; ")}
	if handled == 0 && r.Result == "" {
		r.Result = fmt.Sprintf("no context defines %s (%d attachments asked)", name, len(to))
	}
	if len(skippedOrder) > 0 {
		r.Result += fmt.Sprintf("; not delivered to %s: BMS only calls loaded contexts", strings.Join(skippedOrder, ", "))
	}
	return r
}

// ---- reloads ----

// reloadAll reloads every attachment of every loaded context, one after
// another in attach order (modscope's `reload`: BMS reloads per file).
func (m *Model) reloadAll(step string) engine.Result {
	m.mu.Lock()
	atts := append([]Key(nil), m.attached...)
	m.mu.Unlock()
	return reloadResult(m.reloadEach(atts, step))
}

// reloadResult is a reload's result: OK, naming the contexts whose
// attachments were skipped.
func reloadResult(skipped []string) engine.Result {
	res := engine.Result{OK: true}
	if len(skipped) > 0 {
		res.Result = "not reloaded: " + strings.Join(skipped, ", ") + "; BMS only reloads loaded contexts"
	}
	return res
}

// reloadEach reloads the given attachments one after another, as BMS's
// process_modified_asset queues one ReloadingInitialized machine per
// resident of a loaded context; residents of other contexts are skipped.
// It returns one line per context with skipped attachments, in order (a
// context shared by thousands is one line): "ctx (why: the attachment)" or
// "ctx (why: N attachments)".
func (m *Model) reloadEach(atts []Key, step string) (skipped []string) {
	type skip struct {
		why   string
		first string // the first skipped attachment's label
		n     int
	}
	skips := map[string]*skip{}
	var order []string
	note := func(ctx, why string, a Key) {
		if sk := skips[ctx]; sk != nil {
			sk.n++
			return
		}
		skips[ctx] = &skip{why: why, first: a.Label(), n: 1}
		order = append(order, ctx)
	}
	for _, a := range atts {
		m.mu.Lock()
		x := m.where[a]
		m.mu.Unlock()
		if x == nil {
			continue
		}
		if skips[x.c.Name] != nil { // not loaded (or unloaded meanwhile)
			note(x.c.Name, "", a)
			continue
		}
		if st := x.c.State(); st != engine.StateActive {
			note(x.c.Name, "is "+st, a)
			continue
		}
		if err := x.c.Do(func(o *engine.Lua) {
			o.SetStep(step)
			m.reloadAttachment(x, a)
		}); err != nil {
			note(x.c.Name, err.Error(), a)
		}
	}
	for _, ctx := range order {
		sk := skips[ctx]
		what := sk.first
		if sk.n > 1 {
			what = fmt.Sprintf("%d attachments", sk.n)
		}
		skipped = append(skipped, fmt.Sprintf("context %s (%s: %s)", ctx, sk.why, what))
	}
	return skipped
}

// doEdit hot-reloads every attachment of the script file, one after
// another (or, for a file only loaded through dofile, every attachment of
// every context that ran it). strict makes a file held by no context an
// error (reload FILE); edit FILE is quiet.
func (m *Model) doEdit(file, step string, strict bool) engine.Result {
	p, err := engine.CleanPath(file)
	if err != nil {
		return engine.Failed("%v", err)
	}
	if p == SceneFile {
		return engine.Result{OK: true, Result: "scene.toml changed: reset to load the new scene"}
	}
	m.mu.Lock()
	var atts []Key
	for _, a := range m.attached {
		if a.Script == p {
			atts = append(atts, a)
		}
	}
	m.mu.Unlock()
	if len(atts) > 0 {
		return reloadResult(m.reloadEach(atts, step))
	}
	// A helper file that attached scripts ran (dofile): reload them all.
	var holders []*sctx
	for _, x := range m.ordered() {
		ran := false
		if err := x.c.Do(func(o *engine.Lua) {
			for _, f := range o.Files() {
				if f.Path == p {
					ran = true
				}
			}
		}); err != nil {
			continue // unloaded meanwhile: nothing of it to reload
		}
		if ran {
			holders = append(holders, x)
		}
	}
	if len(holders) == 0 {
		if strict {
			return engine.Failed("reload: no context holds %s (attached: %s)", p, strings.Join(m.WatchPaths(), ", "))
		}
		return engine.Result{OK: true, Result: p + " is not loaded in any context"}
	}
	m.mu.Lock()
	for _, x := range holders {
		atts = append(atts, x.residents...)
	}
	sort.SliceStable(atts, func(i, j int) bool { return m.seq[atts[i]] < m.seq[atts[j]] })
	m.mu.Unlock()
	return reloadResult(m.reloadEach(atts, step))
}

// ---- policy ----

// doPolicy switches the policy and regroups every attachment. BMS fixes
// the policy when the app is built; this is modscope's own. Contexts whose
// residents stay together under the same name are kept; the others unload
// (on_script_unloaded for each resident) and the attachments are attached
// again, in attach order, as BMS would attach them under the new policy:
// the first of a group creates its context, the others join it (a reload
// each). Pairs that held no context are tried again.
func (m *Model) doPolicy(cmd engine.Command, step string) engine.Result {
	if len(cmd.Args) == 0 {
		return engine.Failed("usage: %s", engine.Ops["policy"])
	}
	var v any = cmd.Args[0]
	if len(cmd.Args) > 1 {
		v = cmd.Args // policy entity shared
	}
	p, err := ParsePolicy(v)
	if err != nil {
		return engine.Failed("policy: %v", err)
	}
	m.mu.Lock()
	atts := m.attachOrderLocked()
	oldOf := map[Key]string{}
	oldGroups := map[string][]Key{}
	for _, a := range atts {
		if x := m.where[a]; x != nil {
			oldOf[a] = x.c.Name
			oldGroups[x.c.Name] = append(oldGroups[x.c.Name], a)
		}
	}
	m.mu.Unlock()
	newOf := map[Key]string{}
	newGroups := map[string][]Key{}
	var newOrder []string
	for _, a := range atts {
		k, ok := p.KeyFor(a)
		if !ok {
			continue
		}
		n := k.Name()
		if _, seen := newGroups[n]; !seen {
			newOrder = append(newOrder, n)
		}
		newOf[a] = n
		newGroups[n] = append(newGroups[n], a)
	}
	ch := classify(oldOf, newOf, oldGroups, newGroups, newOrder)

	m.mu.Lock()
	m.policy = p
	var torn []*sctx
	for _, x := range m.orderedLocked() {
		if !sameKeys(x.residents, newGroups[x.c.Name]) || x.c.State() != engine.StateActive {
			torn = append(torn, x)
		}
	}
	m.mu.Unlock()
	for _, x := range torn {
		loaded := x.c.State() == engine.StateActive
		x.c.SetState(engine.StateUnloading)
		if err := x.c.Do(func(o *engine.Lua) {
			o.SetStep(step)
			if loaded {
				for _, a := range x.residents {
					m.lifecycle(x, a, "on_script_unloaded")
				}
			}
		}); err != nil { // unloaded already: the teardown goes on
			m.h.Lost(x.c, step, "policy change: on_script_unloaded", err)
		}
		m.mu.Lock()
		for _, a := range x.residents {
			delete(m.where, a)
		}
		m.mu.Unlock()
		m.unload(x)
	}
	m.mu.Lock()
	kept := m.attached[:0]
	for _, a := range m.attached {
		if m.where[a] != nil {
			kept = append(kept, a)
		}
	}
	m.attached = kept
	m.unplaced = map[Key]string{}
	m.mu.Unlock()
	var firstErr string
	var notes []string
	for _, a := range atts {
		m.mu.Lock()
		placed := m.where[a] != nil
		m.mu.Unlock()
		if placed {
			continue
		}
		note, err := m.attach(a, step)
		if err != nil && firstErr == "" {
			firstErr = err.Error()
		}
		if note != "" {
			notes = append(notes, note)
		}
	}
	m.mu.Lock()
	// keep the attach order (re-attached pairs went to the end)
	sort.SliceStable(m.attached, func(i, j int) bool { return m.seq[m.attached[i]] < m.seq[m.attached[j]] })
	m.reorder = true
	m.mu.Unlock()
	res := engine.Result{OK: firstErr == "", Error: firstErr, Changes: &ch.changes, Result: ch.summary(p)}
	if len(notes) > 0 {
		res.Result += "; " + strings.Join(notes, "; ")
	}
	return res
}

type regroup struct {
	changes engine.ContextChanges
	from    map[string][]string // new context -> the old contexts its residents came from
	kept    []string
}

func (r regroup) summary(p Policy) string {
	var parts []string
	for _, n := range append(append(append([]string{}, r.changes.Merged...), r.changes.Split...), r.changes.Created...) {
		if len(r.from[n]) > 0 {
			parts = append(parts, fmt.Sprintf("%s ← %s", n, strings.Join(r.from[n], " + ")))
		} else {
			parts = append(parts, n)
		}
	}
	s := "policy " + p.String()
	if len(parts) > 0 {
		s += ": " + strings.Join(parts, "; ")
	}
	if len(r.changes.Removed) > 0 {
		s += "; removed " + strings.Join(r.changes.Removed, ", ")
	}
	if len(r.kept) > 0 {
		s += "; unchanged " + strings.Join(r.kept, ", ")
	}
	return s
}

// classify says which new contexts are created, merged (residents from two
// or more old contexts) or split (part of one old context that now spans
// several), and which old names are gone. Kept contexts (same name, same
// residents) are in none of them.
func classify(oldOf, newOf map[Key]string, oldGroups, newGroups map[string][]Key, newOrder []string) regroup {
	r := regroup{from: map[string][]string{}}
	dests := map[string]map[string]bool{} // old -> new names
	for a, o := range oldOf {
		if dests[o] == nil {
			dests[o] = map[string]bool{}
		}
		dests[o][newOf[a]] = true
	}
	for _, n := range newOrder {
		if sameKeys(oldGroups[n], newGroups[n]) {
			r.kept = append(r.kept, n)
			continue
		}
		var srcs []string
		seen := map[string]bool{}
		for _, a := range newGroups[n] {
			if o, ok := oldOf[a]; ok && !seen[o] {
				seen[o] = true
				srcs = append(srcs, o)
			}
		}
		r.from[n] = srcs
		split := false
		for _, o := range srcs {
			if len(dests[o]) > 1 {
				split = true
			}
		}
		switch {
		case len(srcs) > 1:
			r.changes.Merged = append(r.changes.Merged, n)
		case split:
			r.changes.Split = append(r.changes.Split, n)
		default:
			r.changes.Created = append(r.changes.Created, n)
		}
	}
	var olds []string
	for o := range oldGroups {
		olds = append(olds, o)
	}
	sort.Strings(olds)
	for _, o := range olds {
		if _, live := newGroups[o]; !live {
			r.changes.Removed = append(r.changes.Removed, o)
		}
	}
	return r
}

// sameKeys reports whether a and b hold the same attachments in order.
func sameKeys(a, b []Key) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
