package input

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// writeShipments writes a shipment CSV of n rows.
func writeShipments(tb testing.TB, path string, n int) int64 {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "id,date,shipper,shipper_country,consignee,consignee_country,notify_party,vessel,imo,hs_code,description,quantity,unit,value,currency,origin_country,destination_country,port_of_loading,port_of_discharge")
	for i := range n {
		fmt.Fprintf(w, "SHP-%07d,2026-10-%02d,Dandong Xinhe Trading Co. Ltd. %d,CN,\"Pyongyang Sonbong General Trading Corp, Branch %d\",KP,,MV Example %d,%07d,2818.20;0302.11,\"Aluminium oxide powder; Trout, fresh\",40;2,t,38400;900,USD,CN,KP,Dandong,Nampo\n",
			i, i%28+1, i%977, i%13, i%101, 9000000+i%999999)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	st, _ := f.Stat()
	f.Close()
	return st.Size()
}

// BenchmarkReadCSV reads a generated 1,000,000-row shipment CSV. It reports
// rows/s and the largest live heap seen while reading, which stays flat
// (streaming) however large the file.
func BenchmarkReadCSV(b *testing.B) {
	const rows = 1_000_000
	path := filepath.Join(b.TempDir(), "shipments.csv")
	size := writeShipments(b, path, rows)
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	var peak uint64
	var ms runtime.MemStats
	for b.Loop() {
		r, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if rec.Err != "" {
				b.Fatal(rec.Err)
			}
			n++
			if n%250_000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
		r.Close()
		if n != rows {
			b.Fatalf("%d rows, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}
