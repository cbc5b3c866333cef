package cli

import (
	"modscope/engine"
	"modscope/inspector/annotate"
)

// standIn is a stub record as annotate describes it.
func standIn(st engine.StubRecord) annotate.StandIn {
	return annotate.StandIn{Name: st.Name, Kind: st.Kind, Calls: st.Calls, Arities: st.Arities, First: st.First}
}
