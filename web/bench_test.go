package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/screen-compliance/screen/record"
)

// seedRun stores a finished run of n synthetic records: 2% block, 8%
// review, 1% error, the rest clear.
func seedRun(b testing.TB, a *App, n int) int64 {
	b.Helper()
	ctx := context.Background()
	id, err := a.createRun(ctx, newRun{name: "bench", file: "bench.csv", operator: "alice"})
	if err != nil {
		b.Fatal(err)
	}
	seen := map[string]bool{}
	batch := make([]screened, 0, 2000)
	for i := 1; i <= n; i++ {
		dec := record.Clear
		switch {
		case i%50 == 0:
			dec = record.Block
		case i%100 == 1:
			dec = record.Error
		case i%12 == 0:
			dec = record.Review
		}
		d := record.Decision{ID: fmt.Sprintf("SHP-%06d", i), Row: i, Decision: dec, Reasons: []record.Reason{}, Matches: []record.Match{}}
		rec := &record.Record{ID: d.ID, Row: i, Parties: []record.Party{{Role: "consignee", Name: fmt.Sprintf("Trading Company %d Ltd", i), Country: "CN"}}}
		if dec == record.Block || dec == record.Review {
			d.Matches = append(d.Matches, record.Match{Role: "consignee", EntityID: fmt.Sprintf("un:KPe.%03d", i%97), List: "un", Name: "KOREA TRADING CORP", MatchedName: "KOREA TRADING CORP", Score: 0.9})
			d.Reasons = append(d.Reasons, record.Reason{Rule: "sanctions.match.strong", Severity: dec, Message: "match", Evidence: []string{"matches[0]"}})
		}
		d.Record = rec
		batch = append(batch, screened{rec: newStoredRecord(i, &d)})
		if len(batch) == cap(batch) || i == n {
			if err := a.insertRecords(ctx, id, batch, seen, float64(i)/float64(n)); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if _, err := testDB(b, a).ExecContext(ctx, `UPDATE runs SET status = 'done', facets = '{"rules":["sanctions.match.strong"],"lists":["un"],"roles":["consignee"],"countries":["CN"]}' WHERE id = ?`, id); err != nil {
		b.Fatal(err)
	}
	if _, err := testDB(b, a).ExecContext(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	return id
}

// BenchmarkQueuePage100k renders queue pages of a 100,000-record run
// (target: < 300 ms per page on 2 cores).
func BenchmarkQueuePage100k(b *testing.B) {
	a := newTestApp(b, builtinEngine(b), "", nil)
	id := seedRun(b, a, 100_000)
	sid, err := a.newSession(context.Background(), "alice", RoleReviewer, true)
	if err != nil {
		b.Fatal(err)
	}
	h := a.Handler()
	for _, bc := range []struct{ name, query string }{
		{"first", ""},
		{"clear-page-1000", "?decision=clear&page=1000"},
		{"search", "?decision=review&q=company+4711"},
		{"filters", "?decision=block&rule=sanctions.match.strong&country=CN&review=open"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/runs/%d%s", id, bc.query), nil)
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: sid})
				rr := httptest.NewRecorder()
				h.ServeHTTP(rr, req)
				if rr.Code != http.StatusOK {
					b.Fatalf("%d: %s", rr.Code, rr.Body.String())
				}
			}
		})
	}
}
