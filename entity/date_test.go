package entity

import (
	"fmt"
	"testing"
)

// TestParseDateAndSpan: one parser reads the dates lists and queries
// write; Span reads the result without allocating.
func TestParseDateAndSpan(t *testing.T) {
	tests := []struct {
		in   string
		date Date
		span DateSpan
	}{
		{"1960", "1960", DateSpan{Year: 1960, YearTo: 1960}},
		{"1960-05", "1960-05", DateSpan{Year: 1960, YearTo: 1960, Month: 5}},
		{"1960-05-01", "1960-05-01", DateSpan{Year: 1960, YearTo: 1960, Month: 5, Day: 1}},
		{"01.05.1960", "1960-05-01", DateSpan{Year: 1960, YearTo: 1960, Month: 5, Day: 1}},
		{"01/05/1960", "1960-05-01", DateSpan{Year: 1960, YearTo: 1960, Month: 5, Day: 1}},
		{"01-05-1960", "1960-05-01", DateSpan{Year: 1960, YearTo: 1960, Month: 5, Day: 1}},
		{"10 Dec 1948", "1948-12-10", DateSpan{Year: 1948, YearTo: 1948, Month: 12, Day: 10}},
		{"Dec 1948", "1948-12", DateSpan{Year: 1948, YearTo: 1948, Month: 12}},
		{"circa 1960", "1960", DateSpan{Year: 1960, YearTo: 1960}},
		{"1958/1962", "1958/1962", DateSpan{Year: 1958, YearTo: 1962}},
		{"1958 to 1962", "1958/1962", DateSpan{Year: 1958, YearTo: 1962}},
		{"01 Jan 1958 to 31 Dec 1962", "1958/1962", DateSpan{Year: 1958, YearTo: 1962}},
		{"1962/1958", "", DateSpan{}},
		{"1962 to 1958", "", DateSpan{}},
		{"1960-13-01", "", DateSpan{}},
		{"", "", DateSpan{}},
		{"unknown", "", DateSpan{}},
	}
	for _, tt := range tests {
		d := ParseDate(tt.in)
		if d != tt.date {
			t.Errorf("ParseDate(%q) = %q, want %q", tt.in, d, tt.date)
		}
		if got := d.Span(); got != tt.span {
			t.Errorf("ParseDate(%q).Span() = %+v, want %+v", tt.in, got, tt.span)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = Date("1960-05-01").Span() }); n != 0 {
		t.Errorf("Span allocates %v times", n)
	}
}

// FuzzParseDate: whatever the text, the date is empty or reads as a valid
// span, and the fast path for dates already written canonically reads
// what the patterns read.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"1960", "1960-05-01", "1960-13", "0999", "1960-05-32", "1960-5-01", "01.05.1960", "1958/1962", "circa 1951", "1 Jan 1958 to 31 Dec 1962", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := ParseDate(s)
		if slow := parseDate(s); d != slow {
			t.Fatalf("ParseDate(%q) = %q, the patterns read %q", s, d, slow)
		}
		sp := d.Span()
		if d != "" && sp.Year == 0 {
			t.Fatalf("ParseDate(%q) = %q, which Span cannot read", s, d)
		}
		if sp.Year != 0 && (sp.Year < 1000 || sp.Month > 12 || sp.Day > 31 || sp.YearTo < sp.Year) {
			t.Fatalf("ParseDate(%q).Span() = %+v", s, sp)
		}
	})
}

// TestCanonicalDateAsPatterns compares the fast path with the patterns on
// every four-, seven- and ten-character string of digits and dashes that
// the fast path could take (years sampled).
func TestCanonicalDateAsPatterns(t *testing.T) {
	var in []string
	for _, y := range []string{"0000", "0999", "1000", "1960", "2026", "9999"} {
		in = append(in, y, y+"-", y+"x")
		for m := 0; m <= 13; m++ {
			ms := fmt.Sprintf("%02d", m)
			in = append(in, y+"-"+ms, y+"/"+ms)
			for d := 0; d <= 32; d++ {
				in = append(in, y+"-"+ms+"-"+fmt.Sprintf("%02d", d), y+"-"+ms+"/"+fmt.Sprintf("%02d", d))
			}
		}
	}
	for _, s := range in {
		if got, want := ParseDate(s), parseDate(s); got != want {
			t.Errorf("ParseDate(%q) = %q, the patterns read %q", s, got, want)
		}
	}
}
