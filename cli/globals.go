package cli

import (
	"encoding/json"
	"fmt"
	"io"

	"modscope/engine"
	"modscope/inspector"
)

// printGlobals prints one context's globals (or the table at --path).
func printGlobals(s engine.Driver, f runFlags, env Env) error {
	r := s.Do(engine.Command{Op: "page", Args: []any{f.context}, Path: f.path, Limit: f.limit})
	if !r.OK {
		return fmt.Errorf("globals: %s", r.Error)
	}
	if f.json {
		return json.NewEncoder(env.Stdout).Encode(r.Data)
	}
	return writeView(env.Stdout, r.Data)
}

func writeView(w io.Writer, data any) error {
	if p, ok := data.(inspector.PageResult); ok {
		return inspector.RenderPage(w, p)
	}
	b, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
