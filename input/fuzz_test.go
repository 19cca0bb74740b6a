package input

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// seed adds every fixture whose name ends in one of exts.
func seed(f *testing.F, exts ...string) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*"))
	for _, p := range files {
		for _, ext := range exts {
			if strings.HasSuffix(p, ext) {
				b, err := os.ReadFile(p)
				if err != nil {
					f.Fatal(err)
				}
				f.Add(b)
			}
		}
	}
}

// checkReader reads everything and checks the invariants every format
// shares: no panic, rows increase, each record is an error or has data,
// errors name the source, text is valid UTF-8.
func checkReader(t *testing.T, data []byte, format string) {
	r, err := NewReader(bytes.NewReader(data), "fuzz."+format, Options{Format: format, maxRow: 512})
	if err != nil {
		if !strings.Contains(err.Error(), "fuzz."+format) {
			t.Fatalf("open error does not name the input: %v", err)
		}
		return
	}
	defer r.Close()
	last := 0
	for i := 0; ; i++ {
		if i > len(data)+1 {
			t.Fatalf("more records than input bytes")
		}
		rec, err := r.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz."+format) {
				t.Fatalf("read error does not name the input: %v", err)
			}
			return
		}
		if rec.Row <= last {
			t.Fatalf("row %d after row %d", rec.Row, last)
		}
		last = rec.Row
		if rec.Err != "" {
			if !strings.HasPrefix(rec.Err, "fuzz."+format+" row ") {
				t.Fatalf("error does not name file and row: %q", rec.Err)
			}
			if len(rec.Parties)+len(rec.Goods) != 0 {
				t.Fatalf("error record with data: %+v", rec)
			}
		} else if len(rec.Parties)+len(rec.Goods) == 0 {
			t.Fatalf("record with neither data nor error: %+v", rec)
		}
		for _, fl := range rec.Fields {
			if !utf8.ValidString(fl.Value) || !utf8.ValidString(fl.Column) {
				t.Fatalf("invalid UTF-8 in fields: %+v", rec.Fields)
			}
		}
		for _, p := range rec.Parties {
			if !utf8.ValidString(p.Name) {
				t.Fatalf("invalid UTF-8 in party %+v", p)
			}
		}
		if !utf8.ValidString(rec.Err) || !utf8.ValidString(rec.ID) {
			t.Fatalf("invalid UTF-8 in %q / %q", rec.Err, rec.ID)
		}
	}
}

func FuzzCSV(f *testing.F) {
	seed(f, ".csv", ".tsv")
	f.Add([]byte("name\n\"a\n\"\"b\"\n\"c"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkReader(t, data, FormatCSV)
		checkReader(t, data, FormatTSV)
	})
}

// FuzzCSVParser checks the parser against encoding/csv on input encoding/csv
// accepts (bare quotes in unquoted fields, which it rejects, are not compared).
func FuzzCSVParser(f *testing.F) {
	seed(f, ".csv")
	f.Add([]byte("a,b\n\"x\ny\",\"z\"\"\"\n\n1,2"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.ContainsRune(data, '\r') {
			return // line ending normalisation differs in corner cases
		}
		cr := csv.NewReader(bytes.NewReader(data))
		cr.FieldsPerRecord = -1
		want, err := cr.ReadAll()
		if err != nil {
			return
		}
		p := newCSVParser(bufio.NewReader(bytes.NewReader(data)), ',', 1<<20)
		var got [][]string
		for {
			cells, _, err := p.read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("parser error on input encoding/csv accepts: %v", err)
			}
			if len(cells) == 1 && cells[0] == "" {
				continue // blank line; encoding/csv skips them
			}
			got = append(got, append([]string(nil), cells...))
		}
		var w [][]string
		for _, r := range want {
			if len(r) == 1 && r[0] == "" {
				continue
			}
			w = append(w, r)
		}
		if !reflect.DeepEqual(got, w) {
			t.Fatalf("got %q, encoding/csv %q", got, w)
		}
	})
}

func FuzzJSON(f *testing.F) {
	seed(f, ".json")
	f.Add([]byte(`[{"a":"\"]}"},[1,{}],"x",,]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkReader(t, data, FormatJSON)
		// On a valid array the splitter must find exactly its elements.
		var elems []json.RawMessage
		if json.Unmarshal(data, &elems) != nil || !bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n\xef\xbb\xbf"), []byte("[")) {
			return
		}
		s, err := newJSONSplitter(bufio.NewReader(bytes.NewReader(data)), 1<<20)
		if err != nil {
			t.Fatalf("splitter rejects a valid array: %v", err)
		}
		for i := 0; ; i++ {
			el, _, tooBig, err := s.next()
			if errors.Is(err, io.EOF) {
				if i != len(elems) {
					t.Fatalf("%d elements, want %d", i, len(elems))
				}
				return
			}
			if err != nil || tooBig {
				t.Fatalf("element %d: %v", i, err)
			}
			if i >= len(elems) {
				t.Fatalf("more elements than %d", len(elems))
			}
			var a, b bytes.Buffer
			json.Compact(&a, el)
			json.Compact(&b, elems[i])
			if a.String() != b.String() {
				t.Fatalf("element %d: %q, want %q", i, a.String(), b.String())
			}
		}
	})
}

func FuzzJSONL(f *testing.F) {
	seed(f, ".jsonl")
	f.Fuzz(func(t *testing.T, data []byte) {
		checkReader(t, data, FormatJSONL)
	})
}

func FuzzXLSX(f *testing.F) {
	book := excelize.NewFile()
	book.SetCellValue("Sheet1", "A1", "name")
	book.SetCellValue("Sheet1", "B1", "country")
	book.SetCellValue("Sheet1", "A2", "Alpha Ltd")
	book.SetCellValue("Sheet1", "B2", "KP")
	var buf bytes.Buffer
	if _, err := book.WriteTo(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkReader(t, data, FormatXLSX)
	})
}
