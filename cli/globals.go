package cli

import (
	"encoding/json"
	"fmt"

	"modscope/engine"
	"modscope/inspector"
)

// printGlobals prints one context's globals (or the table at --path).
func printGlobals(s engine.Driver, f runFlags, env Env) error {
	r := s.Do(engine.Command{Op: "page", Args: []any{f.context}, Path: f.path, Limit: f.limit})
	if !r.OK {
		return fmt.Errorf("globals: %s", r.Error)
	}
	if r.Page == nil {
		return fmt.Errorf("globals: the engine answered no page")
	}
	if f.json {
		return json.NewEncoder(env.Stdout).Encode(r.Page)
	}
	return inspector.RenderPage(env.Stdout, *r.Page)
}
