package entity

import "testing"

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
// span.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"1960", "1960-05-01", "01.05.1960", "1958/1962", "circa 1951", "1 Jan 1958 to 31 Dec 1962", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := ParseDate(s)
		sp := d.Span()
		if d != "" && sp.Year == 0 {
			t.Fatalf("ParseDate(%q) = %q, which Span cannot read", s, d)
		}
		if sp.Year != 0 && (sp.Year < 1000 || sp.Month > 12 || sp.Day > 31 || sp.YearTo < sp.Year) {
			t.Fatalf("ParseDate(%q).Span() = %+v", s, sp)
		}
	})
}
