package remote

import (
	"reflect"
	"testing"

	"modscope/engine"
)

// TestWindowSpecFromTheChild: what each model tells the window — its
// step descriptions, registry row views, stuck rows, note and callback
// column — reaches the window from the engine's child process as the
// model registered it, and describes the child's steps as it does in
// process.
func TestWindowSpecFromTheChild(t *testing.T) {
	for _, tc := range []struct{ model, dir string }{
		{engine.ModelAutorun, "../../assets/samples/autorun"},
		{engine.ModelSectors, "../../assets/samples/sectors"},
		{engine.ModelScripts, "../../assets/samples/scripts"},
	} {
		t.Run(tc.model, func(t *testing.T) {
			want, ok := engine.ModelWindow(tc.model)
			if !ok {
				t.Fatalf("model %s is not registered", tc.model)
			}
			d := openRemote(t, tc.dir, engine.Options{}, Options{})
			got := d.Folder().Window
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("the child's WindowSpec =\n%+v\nregistered:\n%+v", got, want)
			}
			if len(got.StepDocs) == 0 {
				t.Fatal("no step descriptions came through")
			}
			steps, _ := d.Steps()
			for _, st := range steps {
				if g, w := got.StepDoc(st), want.StepDoc(st); g == "" || g != w {
					t.Errorf("step %q: the child's spec says %q, in process %q", st, g, w)
				}
			}
		})
	}
}
