package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/screen-compliance/screen/internal/pgtest"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/web/store"
	"github.com/screen-compliance/screen/web/store/postgres"
)

// TestMain stops the PostgreSQL cluster the shared-store tests start.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// sharedApps opens n workspaces on one new PostgreSQL database, as n
// processes would, each with its own directory; chunks are small so that
// a run has several.
func sharedApps(t *testing.T, n int) []*App {
	t.Helper()
	dsn := pgtest.DSN(t)
	eng := builtinEngine(t)
	apps := make([]*App, n)
	for i := range apps {
		st, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		apps[i] = newTestApp(t, eng, "", func(o *Options) {
			o.Store = st
			o.Jobs = JobOptions{ChunkSize: 4, Poll: 20 * time.Millisecond, Lease: 5 * time.Second, Owner: fmt.Sprintf("process-%d", i)}
		})
	}
	return apps
}

// serve serves app and returns a client signed in as name.
func serve(t *testing.T, app *App, name string) *client {
	t.Helper()
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(srv.Close)
	c := newClient(t, srv)
	c.login(name)
	return c
}

// decisionsOf returns "seq decision entity..." lines of a run's records.
func decisionsOf(t *testing.T, a *App, run int64) []string {
	t.Helper()
	recs, err := a.st.Records(context.Background(), run, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range recs {
		line := fmt.Sprintf("%d %s %s", r.Seq, r.Decision.ID, r.Decision.Decision)
		for _, m := range r.Decision.Matches {
			line += " " + m.EntityID
		}
		for _, rs := range r.Decision.Reasons {
			line += " " + rs.Rule
		}
		out = append(out, line)
	}
	return out
}

var runIDRE = regexp.MustCompile(`^/runs/(\d+)$`)

// runID reads the id of a run page's path.
func runID(t *testing.T, path string) int64 {
	t.Helper()
	m := runIDRE.FindStringSubmatch(path)
	if m == nil {
		t.Fatalf("not a run page: %s", path)
	}
	var id int64
	fmt.Sscan(m[1], &id)
	return id
}

// TestJobsAcrossProcesses uploads through one workspace and works the run
// through another on the same database: the chunked run gives the
// decisions the single-process run gives, record for record, and the
// queue, the review and the export work from either.
func TestJobsAcrossProcesses(t *testing.T) {
	apps := sharedApps(t, 2)
	a, b := serve(t, apps[0], "alice"), serve(t, apps[1], "bob")
	code, path, body := a.upload("shipments.csv", repoFile(t, "examples/shipments.csv"), nil)
	if code != http.StatusOK || !strings.HasPrefix(path, "/runs/") {
		t.Fatalf("upload: %d %s\n%s", code, path, body)
	}
	page := b.waitRun(path)
	for _, want := range []string{"15 records:", "8 block", "3 review", "0 error", "4 clear"} {
		if !strings.Contains(page, want) {
			t.Errorf("queue page on the other process lacks %q", want)
		}
	}
	// The same file screened in one process, on SQLite.
	single, _, _, sPath := started(t, nil)
	got, want := decisionsOf(t, apps[1], runID(t, path)), decisionsOf(t, single, runID(t, sPath))
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("chunked decisions:\n%s\nsingle-process decisions:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	run, err := apps[0].getRun(context.Background(), runID(t, path))
	if err != nil {
		t.Fatal(err)
	}
	if run.Upload != "" || run.Screened != 15 || run.Progress != 1 || len(run.Facets.Rules) == 0 || run.PolicySHA256 == "" || len(run.Lists) == 0 {
		t.Errorf("finished run: %+v", run)
	}
	if ents, _ := os.ReadDir(apps[0].uploadsDir()); len(ents) != 0 {
		t.Errorf("the upload is still kept after its input was stored: %v", ents)
	}
	// Reviewed on one, seen on the other.
	seq := recordSeq(t, b, path, "block", "SHP-0003")
	if code, body := b.decideMatch(path+"/records/"+seq, "un:KPe.001", actConfirm, "same company", nil); code != http.StatusOK {
		t.Fatalf("decide on the second process: %d\n%s", code, body)
	}
	_, rec := a.get(path + "/records/" + seq)
	if !strings.Contains(rec, "same company") {
		t.Errorf("the first process does not show the second's decision")
	}
	code, csv := a.get(path + "/export?format=csv")
	if code != http.StatusOK || !strings.Contains(csv, "SHP-0003") || !strings.Contains(csv, "bob") {
		t.Errorf("export on the first process: %d\n%s", code, csv)
	}
	// A re-screen is a job too, read from the stored records.
	code, body = b.post(path+"/rescreen", nil)
	if code != http.StatusOK {
		t.Fatalf("rescreen: %d\n%s", code, body)
	}
	m := regexp.MustCompile(`<h1>Run #(\d+)`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no run heading:\n%s", body)
	}
	a.waitRun("/runs/" + m[1])
	if _, diff := a.get("/runs/" + m[1] + "/diff"); !strings.Contains(diff, "15 records compared: 0 changed") {
		t.Errorf("diff of the re-screen:\n%s", diff)
	}
}

// TestSharedStoreKeepsOthersRuns: a workspace starting on a shared store
// leaves running runs alone (another process may be screening them),
// where a workspace on SQLite marks them interrupted.
func TestSharedStoreKeepsOthersRuns(t *testing.T) {
	dsn := pgtest.DSN(t)
	ctx := context.Background()
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	id, err := st.CreateRun(ctx, store.NewRun{Name: "elsewhere", FileName: "a.csv", CreatedBy: "alice", CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateJob(ctx, id, "another-process", time.Hour); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st2, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	app2 := newTestApp(t, builtinEngine(t), "", func(o *Options) { o.Store = st2 })
	r, err := app2.getRun(ctx, id)
	if err != nil || r.Status != store.StatusRunning {
		t.Errorf("another process's run after a start: %+v, %v; want it running", r, err)
	}
}

// TestChunkKeepsEveryRecord screens a file whose rows include an
// unreadable one (an unknown country), across chunk boundaries: one decision per row, in row
// order, the bad row an error.
func TestChunkKeepsEveryRecord(t *testing.T) {
	apps := sharedApps(t, 1)
	c := serve(t, apps[0], "alice")
	var sb strings.Builder
	sb.WriteString("id,consignee,consignee_country\n")
	for i := 1; i <= 10; i++ {
		country := "CN"
		if i == 6 {
			country = "Atlantis"
		}
		fmt.Fprintf(&sb, "R%02d,Trading Company %d,%s\n", i, i, country)
	}
	code, path, body := c.upload("rows.csv", []byte(sb.String()), nil)
	if code != http.StatusOK {
		t.Fatalf("upload: %d\n%s", code, body)
	}
	c.waitRun(path)
	got := decisionsOf(t, apps[0], runID(t, path))
	if len(got) != 10 {
		t.Fatalf("%d decisions for 10 rows:\n%s", len(got), strings.Join(got, "\n"))
	}
	for i, line := range got {
		if !strings.HasPrefix(line, fmt.Sprintf("%d R%02d ", i+1, i+1)) {
			t.Errorf("decision %d: %s", i+1, line)
		}
		if bad := strings.Contains(line, " "+record.Error); bad != (i == 5) {
			t.Errorf("decision %d: %s (want error only for the row with an unknown country)", i+1, line)
		}
	}
}

// TestCloseGivesChunksBack closes a workspace while it screens a chunk: the
// chunk is given back at once, the claim not counted as an attempt, and
// another workspace on the database finishes the run.
func TestCloseGivesChunksBack(t *testing.T) {
	dsn := pgtest.DSN(t)
	ctx := context.Background()
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const n = 20000
	id, err := st.CreateRun(ctx, store.NewRun{Name: "big", FileName: "big.csv", CreatedBy: "alice", CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	ins := make([]record.Record, n)
	for i := range ins {
		ins[i] = record.Record{ID: fmt.Sprintf("R%05d", i+1), Source: "big.csv", Row: i + 1,
			Parties: []record.Party{{Role: record.RoleConsignee, Name: fmt.Sprintf("Trading Company %d", i), Country: "DE"}}}
	}
	if err := st.CreateJob(ctx, id, "setup", time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddChunk(ctx, id, "setup", ins, 1, time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SealJob(ctx, id, "setup", time.Now()); err != nil {
		t.Fatal(err)
	}
	eng := builtinEngine(t)
	open := func(owner string) *App {
		s, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		return newTestApp(t, eng, "", func(o *Options) {
			o.Store = s
			o.Jobs = JobOptions{Slots: 1, Poll: 20 * time.Millisecond, Lease: time.Minute, Owner: owner}
		})
	}
	claim := func() (owner string, attempts int) {
		t.Helper()
		if err := st.Pool().QueryRow(ctx, `SELECT owner, attempts FROM job_chunks WHERE run_id = $1`, id).Scan(&owner, &attempts); err != nil {
			t.Fatal(err)
		}
		return owner, attempts
	}
	first := open("first")
	deadline := time.Now().Add(time.Minute)
	for owner, _ := claim(); owner != "first"; owner, _ = claim() {
		if time.Now().After(deadline) {
			t.Fatal("the first workspace did not claim the chunk")
		}
		time.Sleep(10 * time.Millisecond)
	}
	first.Close()
	if owner, attempts := claim(); owner != "" || attempts != 0 {
		t.Fatalf("after Close the chunk is held by %q after %d attempts; want it given back uncounted", owner, attempts)
	}
	second := open("second")
	for {
		r, err := second.getRun(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status == store.StatusDone {
			if r.Screened != n {
				t.Errorf("run done with %d screened, want %d", r.Screened, n)
			}
			break
		}
		if r.Status != store.StatusRunning || time.Now().After(deadline.Add(2*time.Minute)) {
			t.Fatalf("run: %s %q", r.Status, r.Error)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
