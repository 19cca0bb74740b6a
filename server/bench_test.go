package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists"
	"github.com/screen-compliance/screen/record"
)

// sharedData returns ../shared/data beside the repository root (the
// directory holding go.mod), or skips.
func sharedData(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skip("no go.mod above the package directory")
		}
		dir = parent
	}
	data := filepath.Join(dir, "..", "shared", "data")
	if _, err := os.Stat(data); err != nil {
		tb.Skipf("shared data not available at %s: %v", data, err)
	}
	return data
}

// loadRealLists loads the UN consolidated list and OFAC SDN 2021, or skips.
func loadRealLists(tb testing.TB) []*entity.List {
	data := sharedData(tb)
	var out []*entity.List
	for _, p := range []string{"un/consolidated.xml", "ofac/sdn-2021/sdn.csv"} {
		path := filepath.Join(data, p)
		if _, err := os.Stat(path); err != nil {
			tb.Skipf("list file absent: %s", path)
		}
		l, err := lists.Load(context.Background(), path, "")
		if err != nil {
			tb.Fatalf("load %s: %v", path, err)
		}
		out = append(out, l)
	}
	return out
}

// benchBodies are single-party /v1/screen bodies: names of listed entities
// (every 7th) and made-up names that should clear, about half each.
func benchBodies(ls []*entity.List) [][]byte {
	var names []string
	for _, l := range ls {
		for i := 0; i < len(l.Entities); i += max(1, min(7, len(l.Entities)/2)) {
			names = append(names, l.Entities[i].Name)
		}
	}
	firsts := []string{"Anna", "Pedro", "Wei", "Olga", "Samuel", "Fatima", "Lars", "Keiko", "Ahmed", "Maria"}
	lasts := []string{"Lindqvist", "Okafor", "Moreau", "Tanaka", "Silva", "Novak", "Haddad", "Kowalski", "Brennan", "Iyer"}
	companies := []string{"Trading", "Logistics", "Engineering", "Foods", "Textiles"}
	n := len(names)
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			names = append(names, firsts[i%len(firsts)]+" "+lasts[(i/len(firsts))%len(lasts)])
		} else {
			names = append(names, lasts[i%len(lasts)]+" "+companies[i%len(companies)]+" GmbH")
		}
	}
	out := make([][]byte, len(names))
	for i, name := range names {
		b, _ := json.Marshal(map[string]any{"parties": []map[string]string{{"role": "buyer", "name": name}}})
		out[i] = b
	}
	return out
}

// BenchmarkServe screens single-party records over a loopback HTTP
// connection with 8 and 64 concurrent clients against UN + OFAC SDN, and
// reports requests/s and p50/p99 latency. Every request must answer 200.
// The engine is configured as `screen serve` configures it (party cache
// on); the bodies recur, as a procurement system's suppliers do.
//
//	go test ./server -run '^$' -bench BenchmarkServe -benchtime 20000x
func BenchmarkServe(b *testing.B) {
	ls := loadRealLists(b)
	eng, err := engine.New(context.Background(), engine.WithLists(ls...))
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	serveLoad(b, eng, benchBodies(ls))
}

// BenchmarkServeNoCache is BenchmarkServe with the engine's party cache
// off: every request searches the index, as when no name ever recurs.
func BenchmarkServeNoCache(b *testing.B) {
	ls := loadRealLists(b)
	eng, err := engine.New(context.Background(), engine.WithLists(ls...), engine.WithPartyCache(0))
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	serveLoad(b, eng, benchBodies(ls))
}

// BenchmarkServeSmallList runs the same load against a three-entity list:
// the ceiling of the HTTP and JSON layers when screening is nearly free.
func BenchmarkServeSmallList(b *testing.B) {
	ls := []*entity.List{testList()}
	eng, err := engine.New(context.Background(), engine.WithLists(ls...))
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	serveLoad(b, eng, benchBodies(ls))
}

// serveLoad posts bodies to a loopback server on eng from 8 and 64 clients.
// Each client is one goroutine on one keep-alive connection that writes a
// request and reads the response itself (as wrk or hey do): net/http's
// Client would add two goroutines and their hand-offs per connection, and
// on this 2-core machine the load generator shares the CPU with the server.
func serveLoad(b *testing.B, eng *engine.Engine, bodies [][]byte) {
	ts := httptest.NewServer(New(eng, Options{}))
	defer ts.Close()
	addr := strings.TrimPrefix(ts.URL, "http://")

	for _, clients := range []int{8, 64} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			conns := make([]*loadConn, clients)
			for c := range conns {
				lc, err := dialLoad(addr)
				if err != nil {
					b.Fatal(err)
				}
				defer lc.close()
				conns[c] = lc
			}
			// Warm every connection and the caches, all clients at once.
			var warm sync.WaitGroup
			for c, lc := range conns {
				warm.Add(1)
				go func() {
					defer warm.Done()
					for k := range 4 {
						if err := lc.post(bodies[(c*4+k)%len(bodies)]); err != nil {
							b.Error(err)
						}
					}
				}()
			}
			warm.Wait()
			var next atomic.Int64
			lat := make([][]time.Duration, clients)
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for c, lc := range conns {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1) - 1
						if i >= int64(b.N) {
							return
						}
						t0 := time.Now()
						if err := lc.post(bodies[int(i)%len(bodies)]); err != nil {
							b.Error(err)
							return
						}
						lat[c] = append(lat[c], time.Since(t0))
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			all := slices.Concat(lat...)
			slices.Sort(all)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
			b.ReportMetric(float64(percentile(all, 50).Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(percentile(all, 99).Microseconds())/1000, "p99-ms")
		})
	}
}

// loadConn is one keep-alive HTTP/1.1 connection of the load generator.
type loadConn struct {
	conn net.Conn
	r    *bufio.Reader
	w    *bufio.Writer
}

func dialLoad(addr string) (*loadConn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &loadConn{conn: c, r: bufio.NewReader(c), w: bufio.NewWriter(c)}, nil
}

func (lc *loadConn) close() { lc.conn.Close() }

// post sends one POST /v1/screen and reads the whole response, which must
// be 200.
func (lc *loadConn) post(body []byte) error {
	fmt.Fprintf(lc.w, "POST /v1/screen HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	lc.w.Write(body)
	if err := lc.w.Flush(); err != nil {
		return err
	}
	res, err := http.ReadResponse(lc.r, nil)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d for %s", res.StatusCode, body)
	}
	return nil
}

func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}

// BenchmarkScreenHandler measures the handler alone (no network): JSON
// decoding, screening and encoding of one single-party record.
func BenchmarkScreenHandler(b *testing.B) {
	ls := loadRealLists(b)
	eng, err := engine.New(context.Background(), engine.WithLists(ls...))
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	s := New(eng, Options{})
	bodies := benchBodies(ls)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			req := httptest.NewRequest("POST", "/v1/screen", bytes.NewReader(bodies[i%len(bodies)]))
			req.Header.Set("Content-Type", ctJSON)
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
			i++
		}
	})
}

// BenchmarkScreenHandlerSmallList is BenchmarkScreenHandler against a
// three-entity list: what the server adds to a screen (middleware, access
// log to a discarding handler, JSON decoding and encoding) when screening
// itself is nearly free. It needs no shared data.
func BenchmarkScreenHandlerSmallList(b *testing.B) {
	ls := []*entity.List{testList()}
	eng, err := engine.New(context.Background(), engine.WithLists(ls...))
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	s := New(eng, Options{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	bodies := benchBodies(ls)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			req := httptest.NewRequest("POST", "/v1/screen", bytes.NewReader(bodies[i%len(bodies)]))
			req.Header.Set("Content-Type", ctJSON)
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
			i++
		}
	})
}

// BenchmarkEngineScreen is the baseline for the two benchmarks above: the
// engine alone, with the same records, no JSON and no HTTP.
func BenchmarkEngineScreen(b *testing.B) {
	ls := loadRealLists(b)
	eng, err := engine.New(context.Background(), engine.WithLists(ls...))
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	bodies := benchBodies(ls)
	recs := make([]record.Record, len(bodies))
	for i, body := range bodies {
		if err := json.Unmarshal(body, &recs[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := eng.Screen(context.Background(), recs[i%len(recs)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
