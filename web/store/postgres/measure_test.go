package postgres

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/screen-compliance/screen/internal/pgtest"
)

// TestMeasureReplicas measures, on this machine, how long a ROWS-row upload
// takes from the upload to the run's end, with one `screen serve` on SQLite
// and with one and two replicas on PostgreSQL: runs per minute (of that
// size) and decisions per second. It prints a table for docs/scaling.md.
// It runs only when asked (it takes minutes and wants a quiet machine):
//
//	SCREEN_PG_MEASURE=1 [SCREEN_PG_MEASURE_ROWS=100000] go test ./web/store/postgres -run TestMeasureReplicas -v -timeout 60m
func TestMeasureReplicas(t *testing.T) {
	if os.Getenv("SCREEN_PG_MEASURE") != "1" {
		t.Skip("skipped: measures replicas for minutes; set SCREEN_PG_MEASURE=1")
	}
	rows := 100_000
	if v := os.Getenv("SCREEN_PG_MEASURE_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("SCREEN_PG_MEASURE_ROWS=%s: want a number of rows", v)
		}
		rows = n
	}
	data := shipments(rows)
	const repeats = 2
	type result struct {
		shape string
		times []time.Duration
	}
	var results []result
	for _, c := range []struct {
		shape    string
		replicas int
		postgres bool
	}{
		{"one process, SQLite (no --db)", 1, false},
		{"1 replica, PostgreSQL", 1, true},
		{"2 replicas, PostgreSQL", 2, true},
	} {
		t.Run(c.shape, func(t *testing.T) {
			dsn := ""
			if c.postgres {
				dsn = pgtest.DSN(t)
			}
			var rs []*replica
			for i := range c.replicas {
				rs = append(rs, startReplica(t, dsn, fmt.Sprintf("replica %d", i+1)))
			}
			alice := signIn(t, rs[0], "alice")
			res := result{shape: c.shape}
			for range repeats {
				start := time.Now()
				run := alice.upload("shipments.csv", data)
				alice.wait(run, 30*time.Minute, func() {
					for _, r := range rs {
						r.alive(t)
					}
				})
				res.times = append(res.times, time.Since(start))
			}
			results = append(results, res)
		})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d-row upload, %d CPUs (GOMAXPROCS), each run timed from the upload to its end, %d runs per shape:\n\n", rows, runtime.GOMAXPROCS(0), repeats)
	b.WriteString("| shape | time per run | runs per minute | decisions per second |\n| --- | --- | --- | --- |\n")
	for _, r := range results {
		var sum time.Duration
		var each []string
		for _, d := range r.times {
			sum += d
			each = append(each, fmt.Sprintf("%.1f s", d.Seconds()))
		}
		mean := sum / time.Duration(len(r.times))
		fmt.Fprintf(&b, "| %s | %s | %.2f | %.0f |\n", r.shape, strings.Join(each, ", "), time.Minute.Seconds()/mean.Seconds(), float64(rows)/mean.Seconds())
	}
	t.Log("\n" + b.String())
}
