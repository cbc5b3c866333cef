package gengame

import "fmt"

// overridesFile is the extra code file of each mod in the conflicts
// preset.
const overridesFile = "Code/Overrides.lua"

// overrides writes a mod's Code/Overrides.lua: it overwrites a few of the
// first Contested game class methods, wrapping (keeping the old method and
// calling it) or replacing, and sometimes a game constant, so that mods
// collide on the same names (modscope conflicts, docs/conflicts.md).
func (c *fileCtx) overrides() {
	r, w := c.r, c.w
	w.l("-- %s", c.spec.path)
	w.l("-- mod code: overrides of game methods that other mods override too")
	w.blank()
	var cands []*classSpec
	for _, cl := range c.plan.classes {
		if cl.mod == nil && !cl.root && len(cl.methods) > 0 && len(cands) < c.plan.p.Contested {
			cands = append(cands, cl)
		}
	}
	if len(cands) == 0 {
		return
	}
	for i := range r.between(2, 4) {
		cl := pick(r, cands)
		m := cl.methods[0]
		if r.chance(60) {
			orig := fmt.Sprintf("orig_%s_%s_%d", cl.name, m, i)
			w.l("local %s = %s.%s", orig, cl.name, m)
			w.open("function %s:%s(...)", cl.name, m)
			w.l("return %s(self, ...)", orig)
			w.close("end")
		} else {
			w.open("function %s:%s()", cl.name, m)
			w.l("return %d", r.between(1, 100))
			w.close("end")
		}
		w.blank()
	}
	if r.chance(20) {
		w.l("const.%s = %d", pick(r, c.plan.consts), r.between(1, 100000))
	}
}
