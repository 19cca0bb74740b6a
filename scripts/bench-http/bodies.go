//go:build ignore

// bodies writes single-party POST /v1/screen request bodies, one JSON
// document a line, for scripts/bench-http.sh (the load script reads lines
// and never has to escape a name).
//
//	go run scripts/bench-http/bodies.go -mix lists UN.xml sdn.csv > bodies.jsonl
//	go run scripts/bench-http/bodies.go -mix yente positives.csv negatives.csv > bodies.jsonl
//
// -mix lists (the default) is server.BenchmarkServe's mix: the name of every
// 7th entity of each list file, then as many made-up names that should
// clear (a person's name or a company's), about half each. -mix yente
// interleaves the full_name column of two yente fixture CSVs (UN treated
// positives and negatives) until the shorter runs out.
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/screen-compliance/screen/lists"
)

func main() {
	mix := flag.String("mix", "lists", "lists (every 7th listed name and made-up names) or yente (two fixture CSVs interleaved)")
	flag.Parse()
	var names []string
	var err error
	switch *mix {
	case "lists":
		names, err = listMix(flag.Args())
	case "yente":
		names, err = yenteMix(flag.Args())
	default:
		err = fmt.Errorf("-mix %q: want lists or yente", *mix)
	}
	if err == nil && len(names) == 0 {
		err = fmt.Errorf("no names")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bodies:", err)
		os.Exit(1)
	}
	w := bufio.NewWriter(os.Stdout)
	for _, name := range names {
		b, err := json.Marshal(map[string]any{"parties": []map[string]string{{"role": "buyer", "name": name}}})
		if err != nil {
			fmt.Fprintln(os.Stderr, "bodies:", err)
			os.Exit(1)
		}
		w.Write(b)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "bodies:", err)
		os.Exit(1)
	}
}

// listMix is server/bench_test.go's benchBodies mix.
func listMix(paths []string) ([]string, error) {
	var names []string
	for _, p := range paths {
		l, err := lists.Load(context.Background(), p, "")
		if err != nil {
			return nil, err
		}
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
	return names, nil
}

// yenteMix interleaves the full_name columns of two CSV files.
func yenteMix(paths []string) ([]string, error) {
	if len(paths) != 2 {
		return nil, fmt.Errorf("-mix yente wants two CSV files, got %d", len(paths))
	}
	var cols [2][]string
	for k, p := range paths {
		var err error
		if cols[k], err = fullNames(p); err != nil {
			return nil, err
		}
	}
	var names []string
	for i := range min(len(cols[0]), len(cols[1])) {
		names = append(names, cols[0][i], cols[1][i])
	}
	return names, nil
}

func fullNames(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	col := -1
	for i, h := range header {
		if h == "full_name" {
			col = i
		}
	}
	if col < 0 {
		return nil, fmt.Errorf("%s: no full_name column", path)
	}
	var out []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if col < len(rec) && rec[col] != "" {
			out = append(out, rec[col])
		}
	}
}
