package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/screen-compliance/screen/web/store"
)

// maxDiffRows caps the changed records listed on the diff page.
const maxDiffRows = 500

// diffRow is one record whose result changed between two runs.
type diffRow struct {
	Seq                    int
	RecordID               string
	OldDecision, Decision  string
	NewHits, GoneHits      []string
	OldReview, OldReviewer string
}

// DiffSummary counts what changed between a run and the run it re-screens.
type DiffSummary struct {
	Compared, ChangedDecisions, NewHits, GoneHits, Changed int
}

// runDiff compares run id with its parent record by record (same input
// order): decisions that changed and entities matched now or no more.
func (a *App) runDiff(ctx context.Context, parent, id int64) ([]diffRow, DiffSummary, error) {
	var out []diffRow
	var sum DiffSummary
	err := a.st.CompareRuns(ctx, parent, id, func(c store.Change) error {
		sum.Compared++
		if c.OldDecision == c.Decision && slices.Equal(c.OldEntities, c.Entities) {
			return nil
		}
		d := diffRow{Seq: c.Seq, RecordID: c.RecordID, OldDecision: c.OldDecision, Decision: c.Decision, OldReview: c.OldReview, OldReviewer: c.OldReviewer,
			NewHits: setDiff(c.Entities, c.OldEntities), GoneHits: setDiff(c.OldEntities, c.Entities)}
		sum.Changed++
		if d.OldDecision != d.Decision {
			sum.ChangedDecisions++
		}
		sum.NewHits += len(d.NewHits)
		sum.GoneHits += len(d.GoneHits)
		if len(out) < maxDiffRows {
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, DiffSummary{}, err
	}
	return out, sum, nil
}

// setDiff returns the values of a not in b, in a's order.
func setDiff(a, b []string) []string {
	in := map[string]bool{}
	for _, v := range b {
		in[v] = true
	}
	var out []string
	for _, v := range a {
		if !in[v] {
			out = append(out, v)
		}
	}
	return out
}

// diff shows what changed when a run was re-screened.
func (a *App) diff(w http.ResponseWriter, r *http.Request, s *session) {
	run, ok := a.runOr404(w, r, s)
	if !ok {
		return
	}
	data := map[string]any{"Run": run, "Base": "/runs/" + strconv.FormatInt(run.ID, 10), "Max": maxDiffRows, "CanWrite": s.CanWrite(), "CSRF": s.CSRF}
	if run.ParentID == 0 {
		a.render(w, http.StatusOK, "diff", view{Title: "Changes", Op: s, Data: data, Flash: r.URL.Query().Get("flash")})
		return
	}
	parent, err := a.getRun(r.Context(), run.ParentID)
	if err != nil {
		a.internal(w, r, s, err)
		return
	}
	rows, sum, err := a.runDiff(r.Context(), parent.ID, run.ID)
	if err != nil {
		a.internal(w, r, s, err)
		return
	}
	data["Parent"], data["Rows"], data["Sum"] = parent, rows, sum
	data["ParentBase"] = "/runs/" + strconv.FormatInt(parent.ID, 10)
	a.render(w, http.StatusOK, "diff", view{Title: "Changes since run " + strconv.FormatInt(parent.ID, 10), Op: s, Data: data, Flash: r.URL.Query().Get("flash")})
}
