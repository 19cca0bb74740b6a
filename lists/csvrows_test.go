package lists

import (
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
)

// TestCSVEnd checks how the CSV row loop tells a complete file from a cut
// one, for the quoting rules of encoding/csv (strict and lazy).
func TestCSVEnd(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in       string
		comma    rune
		lineEnds bool
		lazy     bool
		cut      bool
	}{
		{"complete", "a,\"b\"\r\nc,d\r\n", ',', true, false, false},
		{"complete with Ctrl-Z", "a,\"b\"\r\nc,d\r\n\x1a", ',', true, false, false},
		{"only Ctrl-Z", "\x1a", ',', true, false, false},
		{"empty", "", ',', true, false, false},
		{"cut inside a quoted field", "a,\"b\"\r\nc,\"remarks cut", ',', true, true, true},
		{"cut inside a quoted field, strict", "a,b\nc,\"remarks cut", ',', false, false, true},
		{"cut after a newline inside a quoted field", "a,\"line one\nline", ',', false, true, true},
		{"cut just after an embedded newline", "a,\"line one\n", ',', true, true, true},
		{"quoted field closed by the end", "a,\"b\"", ',', false, false, false},
		{"quoted field closed, no newline", "a,\"b\"", ',', true, false, true},
		{"quoted field closed, CR at the end", "a,\"b\"\r", ',', false, false, false},
		{"doubled quotes", "a,\"say \"\"hi\"\"\"\n", ',', true, false, false},
		{"cut after a doubled quote", "a,\"say \"\"hi", ',', false, false, true},
		{"lazy quote inside a quoted field", "a,\"5\" pipe\"\n", ',', true, true, false},
		{"lazy quote then cut", "a,\"5\" pipe", ',', false, true, true},
		{"quote, CR and more inside a quoted field", "a,\"x\"\ry\"\n", ',', true, true, false},
		{"bare quote in an unquoted field", "a,5\" pipe\n", ',', true, true, false},
		{"bare quote at the end of an unquoted field", "a,5\"", ',', false, true, false},
		{"cut in an unquoted field", "a,b\nc,d", ',', true, false, true},
		{"cut in an unquoted field, own CSV", "a,b\nc,d", ',', false, false, false},
		{"tab-separated complete", "\"a\"\t\"b\"\n\"c\"\t\"d\"\n", '\t', true, true, false},
		{"tab-separated cut", "\"a\"\t\"b\"\n\"c\"\t\"d", '\t', true, true, true},
		{"comma inside a tab-separated quoted field", "\"a,\"\t\"b\"\n", '\t', true, true, false},
		{"quote after a lone CR is not a field start", "a,\r\"b\n", ',', true, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newCSVFile(strings.NewReader(tc.in), tc.comma, tc.lineEnds)
			f.FieldsPerRecord = -1
			f.LazyQuotes = tc.lazy
			err := csvRows(context.Background(), f, "t.csv", func(int, []string) error { return nil })
			// A strict reader refuses some cuts itself (csv.ErrQuote).
			got := errors.Is(err, ErrTruncated) || (!tc.lazy && errors.Is(err, csv.ErrQuote))
			if got != tc.cut {
				t.Errorf("refused as cut = %v (err %v), want %v", got, err, tc.cut)
			}
			if err != nil && !got {
				t.Errorf("unexpected error %v", err)
			}
			if err != nil && !strings.Contains(err.Error(), "t.csv") {
				t.Errorf("error does not name the file: %v", err)
			}
		})
	}
}

// TestCSVEndMatchesEncodingCSV: for every prefix of a CSV text full of
// quoted fields, embedded newlines and doubled quotes, the lazy row loop
// (as OFAC and BIS read) says "ends inside a quoted field" exactly when a
// strict encoding/csv reader refuses the prefix: encoding/csv in lazy mode
// accepts such a prefix silently.
func TestCSVEndMatchesEncodingCSV(t *testing.T) {
	full := "1,\"A, B\",x\r\n2,\"multi\r\nline \"\"q\"\"\",-0-\r\n3,plain,\"\"\r\n4,\"end\"\r\n"
	for k := 0; k <= len(full); k++ {
		prefix := full[:k]
		f := newCSVFile(strings.NewReader(prefix), ',', false)
		f.FieldsPerRecord = -1
		f.LazyQuotes = true
		err := csvRows(context.Background(), f, "t.csv", func(int, []string) error { return nil })
		gotOpen := errors.Is(err, ErrTruncated)
		ref := csv.NewReader(strings.NewReader(prefix))
		ref.FieldsPerRecord = -1
		var refErr error
		for {
			if _, refErr = ref.Read(); refErr != nil {
				break
			}
		}
		wantOpen := errors.Is(refErr, csv.ErrQuote)
		if gotOpen != wantOpen {
			t.Errorf("prefix %q: open = %v (err %v), reference %v (%v)", prefix, gotOpen, err, wantOpen, refErr)
		}
	}
}
