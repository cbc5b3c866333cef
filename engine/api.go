package engine

import (
	"strings"

	"modscope/inspector/annotate"
)

// apiView answers op "api" (CONTEXT): the context's API as
// inspector/annotate describes it, for `modscope annotate` and the
// window's "Export LuaLS definitions": every global with its type, where
// it was defined (provenance) and whether the engine set it up, functions
// with their parameter names, and classes with their parents (the model's
// class registry, when it keeps one, and what the tables show).
func (s *Session) apiView(cmd Command) Result {
	c, err := s.Context(cmd.Arg(0))
	if err != nil {
		return Failed("api: %v", err)
	}
	classes := map[string][]string{}
	if rp, ok := s.model.(RegistryProvider); ok {
		for _, row := range rp.Registries()["classes"] {
			name, _ := row["class"].(string)
			if name == "" {
				continue
			}
			var parents []string
			if ps, _ := row["parents"].(string); ps != "" {
				for _, p := range strings.Split(ps, ",") {
					parents = append(parents, strings.TrimSpace(p))
				}
			}
			classes[name] = parents
		}
	}
	var api annotate.API
	err = c.Do(func(o *Lua) {
		api = annotate.Collect(o.Name, o.Globals(), annotate.Options{
			Classes: classes,
			Origin: func(name string) (string, bool, bool) {
				p, ok := o.Provenance(name)
				if !ok {
					return "", false, false
				}
				where := p.DefinedAt
				if where == "" {
					where = p.AssignedAt
				}
				return where, strings.HasPrefix(where, "["), true
			},
			StandIn: o.stubName,
		})
	})
	if err != nil {
		return Failed("api %s: %v", c.Name, err)
	}
	return Result{OK: true, API: &api}
}
