package ui

import (
	"fmt"
	"strings"
	"testing"

	"modscope/engine"
)

// TestDeliveredLinesCombined: the record that stands for many contexts
// (context "*") is always listed, and the "… more" figure counts the
// deliveries it stands for.
func TestDeliveredLinesCombined(t *testing.T) {
	line := `event ping {}`
	var msgs []engine.MessageRecord
	for i := 1; i <= 6; i++ {
		msgs = append(msgs, engine.MessageRecord{Name: "ping", Context: fmt.Sprintf("sector:s%d", i), Handlers: 1, Step: line})
	}
	msgs = append(msgs, engine.MessageRecord{Name: "ping", Context: "*", Handlers: 994, Step: line,
		Contexts: 994, First: "sector:s7", Last: "sector:s1000", Target: "from engine; delivered to 994 more contexts"})
	tests := map[string]struct {
		msgs     []engine.MessageRecord
		wantStar bool
		wantMore string
	}{
		"six listed and the combined record": {msgs: msgs, wantStar: true, wantMore: "… 994 more"},
		"seven single records":               {msgs: append(append([]engine.MessageRecord(nil), msgs[:6]...), engine.MessageRecord{Name: "ping", Context: "server", Step: line}), wantMore: "… 1 more"},
		"six single records":                 {msgs: msgs[:6]},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out := deliveredLines(tc.msgs, 0, line)
			text := strings.Join(out, "\n")
			if got := strings.Contains(text, "→ *"); got != tc.wantStar {
				t.Errorf("combined record listed = %v, want %v:\n%s", got, tc.wantStar, text)
			}
			last := out[len(out)-1]
			if tc.wantMore == "" {
				if strings.HasPrefix(last, "…") {
					t.Errorf("unexpected more line %q", last)
				}
			} else if !strings.HasPrefix(last, tc.wantMore+" ") {
				t.Errorf("last line %q, want prefix %q:\n%s", last, tc.wantMore, text)
			}
		})
	}
}
