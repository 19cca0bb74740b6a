package web

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/monitor"
	"github.com/screen-compliance/screen/record"
)

// TestAlertPageErrorIsNotClear: an alert whose record could not be decided
// (no reasons, decision error) never reads "clear" on its page.
func TestAlertPageErrorIsNotClear(t *testing.T) {
	app := newTestApp(t, builtinEngine(t), "", nil)
	for _, tt := range []struct {
		decision, want, not string
	}{
		{record.Error, "the record is error, not clear", "the record is clear now"},
		{record.Clear, "the record is clear now", "not clear"},
	} {
		al := &monitor.Alert{ID: 7, Status: monitor.StatusOpen}
		al.Kind, al.Decision, al.PreviousDecision, al.Party = record.AlertError, tt.decision, record.Block, -1
		al.Record = record.Decision{ID: "P1", Decision: tt.decision, Error: "matching timed out"}
		if tt.decision == record.Clear {
			al.Record.Error = ""
		}
		w := httptest.NewRecorder()
		app.render(w, 200, "alert", view{Title: "Alert #7", Op: &session{Operator: "alice", Role: RoleReviewer}, Data: map[string]any{"Alert": rowOf(al), "Open": true}})
		body := w.Body.String()
		if !strings.Contains(body, tt.want) || strings.Contains(body, tt.not) {
			t.Errorf("%s record: the page does not say %q, or says %q", tt.decision, tt.want, tt.not)
		}
	}
}
