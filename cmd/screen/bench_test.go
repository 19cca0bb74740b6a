package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/screen-compliance/screen/input/xlsxtest"
)

// BenchmarkScanStream screens a generated shipment CSV end to end through
// the CLI (read, match both parties against UN + OFAC SDN, classify goods,
// evaluate policies, write jsonl) and reports rows/s and the peak RSS of the
// process. Rows: $SCREEN_BENCH_ROWS (default 100,000; the figure is
// for 1,000,000).
//
//	SCREEN_BENCH_ROWS=1000000 go test -run xxx -bench ScanStream -benchtime 1x ./cmd/screen
func BenchmarkScanStream(b *testing.B) { benchScan(b, writeShipments) }

// BenchmarkScanStreamMostlyClean is BenchmarkScanStream on a file where one
// row in 50 touches the DPRK or a listed party, and the others are ordinary
// trade between unlisted companies.
func BenchmarkScanStreamMostlyClean(b *testing.B) { benchScan(b, writeMostlyClean) }

// BenchmarkScanStreamUnique is BenchmarkScanStreamMostlyClean with a
// different shipper and consignee name on every row: no party recurs, so
// the engine's party cache never helps and every party is searched.
func BenchmarkScanStreamUnique(b *testing.B) {
	benchScan(b, func(b *testing.B, path string, n int) { writeMostlyCleanMod(b, path, n, n) })
}

// BenchmarkScanStreamDistinct is issue 21's worst realistic file:
// BenchmarkScanStream's rows (one in three to or from the DPRK, listed and
// DPRK parties among them) with a shipper and consignee name that no other
// row has, so that the party cache never answers and every party is
// searched and every match weighed by the policies.
//
//	SCREEN_BENCH_ROWS=1000000 go test -run '^$' -bench ScanStreamDistinct -benchtime 1x ./cmd/screen
func BenchmarkScanStreamDistinct(b *testing.B) {
	benchScan(b, func(b *testing.B, path string, n int) { writeShipmentsDistinct(b, path, n, true) })
}

func benchScan(b *testing.B, write func(*testing.B, string, int)) {
	un, sdn, rows := benchSetup(b, 100_000)
	in := filepath.Join(b.TempDir(), "shipments.csv")
	write(b, in, rows)
	scanLoop(b, in, rows, un, sdn)
	b.ReportMetric(float64(peakRSS())/(1<<20), "peakRSS_MB")
}

// benchSetup returns the real UN and OFAC SDN list files (skipping the
// benchmark without them) and the rows to screen: SCREEN_BENCH_ROWS, or def.
func benchSetup(b *testing.B, def int) (un, sdn string, rows int) {
	un = filepath.Join(repo, "../shared/data/un/consolidated.xml")
	sdn = filepath.Join(repo, "../shared/data/ofac/sdn-2021/sdn.csv")
	if _, err := os.Stat(sdn); err != nil {
		b.Skipf("real lists not available (%v)", err)
	}
	rows = def
	if s := os.Getenv("SCREEN_BENCH_ROWS"); s != "" {
		rows, _ = strconv.Atoi(s)
	}
	return un, sdn, rows
}

// scanLoop screens the file in (of rows rows) against lists end to end,
// through the CLI, once per benchmark iteration, reporting rows/s and
// s/file.
func scanLoop(b *testing.B, in string, rows int, lists ...string) {
	args := []string{"screen", "scan", "-q", "--no-fail", "-f", "jsonl", "-o", os.DevNull}
	for _, l := range lists {
		args = append(args, "--list", l)
	}
	args = append(args, in)
	b.Setenv("SCREEN_STORE", b.TempDir())
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		devnull, _ := os.Open(os.DevNull)
		code := run(b.Context(), args, devnull, os.Stderr)
		devnull.Close()
		if code != exitOK {
			b.Fatalf("exit %d", code)
		}
		el := time.Since(start)
		b.ReportMetric(float64(rows)/el.Seconds(), "rows/s")
		b.ReportMetric(el.Seconds(), "s/file")
	}
}

func writeShipments(b *testing.B, path string, n int) { writeShipmentsDistinct(b, path, n, false) }

// writeShipmentsDistinct writes writeShipments' rows; with distinct, the
// party names carry the row number (no name recurs) instead of a number
// below 97 on the consignee only.
func writeShipmentsDistinct(b *testing.B, path string, n int, distinct bool) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "id,shipper,shipper_country,consignee,consignee_country,hs_code,description,origin_country,destination_country,port_of_loading,port_of_discharge")
	shippers := []string{"Dandong Xinhe Trading Co. Ltd.", "Mueller Werkzeugmaschinen GmbH", "Shandong Yuxin Grain & Oil Co.", "Baltic Timber Export OU"}
	consignees := []string{"Korea Mining Dev. Trading Corp", "Saigon Precision Engineering JSC", "Pyongyang Taedonggang Foodstuff Trading", "Nordic Pulp & Paper AB", "Ocean Maritime Management", "Acme Industrial Supplies Ltd"}
	goods := [][2]string{{"2818.20", "Aluminium oxide powder"}, {"8458.11", "CNC lathe"}, {"1507.90", "Soybean oil"}, {"4403.21", "Pine logs"}, {"2701.12", "Anthracite coal"}}
	routes := [][4]string{{"CN", "KP", "Dandong", "Nampo"}, {"DE", "VN", "Hamburg", "Ho Chi Minh City"}, {"EE", "SE", "Tallinn", "Gothenburg"}}
	for i := range n {
		g, r := goods[i%len(goods)], routes[i%len(routes)]
		shipper, consignee := shippers[i%len(shippers)], consignees[i%len(consignees)]+" "+strconv.Itoa(i%97)
		if distinct {
			shipper, consignee = shipper+" "+strconv.Itoa(i), consignees[i%len(consignees)]+" "+strconv.Itoa(i)
		}
		fmt.Fprintf(w, "B-%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", i, shipper, r[0], consignee, r[1], g[0], g[1], r[0], r[1], r[2], r[3])
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
}

// writeMostlyClean writes n shipment rows of which one in 50 is a
// DPRK-related row of writeShipments' kind. The clean rows' party names
// carry a number below 89 (shippers) or 97 (consignees), so about 750
// distinct counterparties recur, as in a real file.
func writeMostlyClean(b *testing.B, path string, n int) { writeMostlyCleanMod(b, path, n, 0) }

// writeMostlyCleanMod is writeMostlyClean with party numbers below mod
// (0: the defaults 89 and 97).
func writeMostlyCleanMod(b *testing.B, path string, n, mod int) {
	ms, mc := 89, 97
	if mod > 0 {
		ms, mc = mod, mod
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "id,shipper,shipper_country,consignee,consignee_country,hs_code,description,origin_country,destination_country,port_of_loading,port_of_discharge")
	clean := [][11]string{
		{"Mueller Werkzeugmaschinen GmbH", "DE", "Saigon Precision Engineering JSC", "VN", "8458.11", "CNC lathe", "DE", "VN", "Hamburg", "Ho Chi Minh City"},
		{"Baltic Timber Export OU", "EE", "Nordic Pulp & Paper AB", "SE", "4403.21", "Pine logs", "EE", "SE", "Tallinn", "Gothenburg"},
		{"Shandong Yuxin Grain & Oil Co.", "CN", "Osaka Foods KK", "JP", "1507.90", "Soybean oil", "CN", "JP", "Qingdao", "Osaka"},
		{"Acme Industrial Supplies Ltd", "GB", "Lagos Building Materials Ltd", "NG", "7308.90", "Steel structures", "GB", "NG", "Felixstowe", "Lagos"},
	}
	for i := range n {
		if i%50 == 0 {
			fmt.Fprintf(w, "B-%d,Dandong Xinhe Trading Co. Ltd.,CN,Korea Mining Dev. Trading Corp,KP,2818.20,Aluminium oxide powder,CN,KP,Dandong,Nampo\n", i)
			continue
		}
		c := clean[i%len(clean)]
		fmt.Fprintf(w, "B-%d,%s %d,%s,%s %d,%s,%s,%s,%s,%s,%s,%s\n", i, c[0], i%ms, c[1], c[2], i%mc, c[3], c[4], c[5], c[6], c[7], c[8], c[9])
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
}

// peakRSS returns the process's peak resident set size in bytes (Linux).
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkScanLongNamesXLSX: issue 15's file, an XLSX of SCREEN_BENCH_ROWS
// rows (default 10,000) whose party names are 30,000 characters long,
// screened against UN + OFAC SDN end to end (list load and index build
// included). Matching looks at the first 512 characters of a name
// (record.Limits), so the file must finish well within 30 s; rows/s and
// s/file are reported.
func BenchmarkScanLongNamesXLSX(b *testing.B) {
	un, sdn, rows := benchSetup(b, 10_000)
	words := []string{"Korea", "Mining", "Development", "Trading", "General", "Corporation", "Shipping", "Ocean",
		"Pacific", "Star", "Golden", "Holdings", "International", "Group", "Limited", "Company"}
	r := rand.New(rand.NewPCG(5, 6))
	sheet := []string{xlsxtest.Row(1, "name", "country")}
	for i := 2; i <= rows+1; i++ {
		var nb strings.Builder
		for nb.Len() < 30000 {
			nb.WriteString(words[r.IntN(len(words))])
			nb.WriteByte(' ')
		}
		sheet = append(sheet, xlsxtest.Row(i, nb.String()[:30000], "CN"))
	}
	in := filepath.Join(b.TempDir(), "long_names.xlsx")
	if err := os.WriteFile(in, xlsxtest.Zip(b, xlsxtest.Parts(sheet...), nil), 0o644); err != nil {
		b.Fatal(err)
	}
	scanLoop(b, in, rows, un, sdn)
}
