package goods

import (
	"errors"
	"strings"
	"testing"
)

func TestParseHS(t *testing.T) {
	tests := []struct {
		in      string
		digits  string
		str     string
		wantErr string
	}{
		{in: "2818.20", digits: "281820", str: "2818.20"},
		{in: "281820", digits: "281820", str: "2818.20"},
		{in: "2818 20 00 90", digits: "2818200090", str: "2818.20.00.90"},
		{in: " 0306.14 ", digits: "030614", str: "0306.14"},
		{in: "84", digits: "84", str: "84"},
		{in: "8479", digits: "8479", str: "8479"},
		{in: "8479.89.99", digits: "84798999", str: "8479.89.99"},
		{in: "2710-19", digits: "271019", str: "2710.19"},
		{in: "99", digits: "99", str: "99"},
		{in: "", wantErr: "empty"},
		{in: "   ", wantErr: "empty"},
		{in: "28X8", wantErr: `letter 'X'`},
		{in: "HS 2818", wantErr: "letter"},
		{in: "2", wantErr: "too short"},
		{in: "30614", wantErr: "5 digits"},
		{in: "281820009", wantErr: "9 digits"},
		{in: "28182000901", wantErr: "at most 10"},
		{in: "7701", wantErr: "chapter 77 is reserved"},
		{in: "00.01", wantErr: "chapter 00 does not exist"},
		{in: "2818..20", wantErr: "misplaced separator"},
		{in: ".2818", wantErr: "misplaced separator"},
		{in: "2818.", wantErr: "ends with a separator"},
		{in: "2818/20", wantErr: `contains '/'`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			h, err := ParseHS(tt.in)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseHS(%q) = %v, want error containing %q", tt.in, h, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseHS(%q) error %q, want it to contain %q", tt.in, err, tt.wantErr)
				}
				if strings.TrimSpace(tt.in) != "" && !strings.HasPrefix(err.Error(), "hs_code ") {
					t.Errorf("error %q does not name the field", err)
				}
				var he *HSError
				if strings.TrimSpace(tt.in) != "" && !errors.As(err, &he) {
					t.Errorf("error %T is not *HSError", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseHS(%q): %v", tt.in, err)
			}
			if h.Digits() != tt.digits || h.String() != tt.str {
				t.Errorf("ParseHS(%q) = %s (%s), want %s (%s)", tt.in, h.Digits(), h, tt.digits, tt.str)
			}
		})
	}
}

func TestHSCodeParts(t *testing.T) {
	h := MustParseHS("2818.20.00.90")
	if h.Chapter() != "28" || h.Heading() != "2818" || h.Subheading() != "281820" {
		t.Errorf("parts of %s: %s %s %s", h, h.Chapter(), h.Heading(), h.Subheading())
	}
	if !h.HasPrefix("2818") || !h.HasPrefix("28182000") || h.HasPrefix("2819") {
		t.Error("HasPrefix: national extension must match its HS prefix only")
	}
	ch := MustParseHS("84")
	if ch.Heading() != "" || ch.Subheading() != "" {
		t.Errorf("chapter-only code has heading %q", ch.Heading())
	}
	var zero HSCode
	if !zero.IsZero() || zero.HasPrefix("") || zero.Chapter() != "" {
		t.Error("zero HSCode must be empty and match nothing")
	}
}

// TestChaptersMatchNomenclature checks the project's chapter table against
// the shared HS nomenclature: the same WCO chapters, 77 absent.
func TestChaptersMatchNomenclature(t *testing.T) {
	codes := hsNomenclature(t)
	tbl, err := chapterTable()
	if err != nil {
		t.Fatal(err)
	}
	for code, level := range codes {
		if level != "2" {
			continue
		}
		if _, ok := tbl[code]; !ok {
			t.Errorf("chapter %s is in the nomenclature but not in data/chapters.yaml", code)
		}
	}
	for ch := range tbl {
		if _, ok := codes[ch]; !ok && ch != "98" {
			t.Errorf("chapter %s in data/chapters.yaml is not in the nomenclature", ch)
		}
	}
	if _, ok := tbl["77"]; ok {
		t.Error("chapter 77 is reserved and must not be accepted")
	}
}

func FuzzParseHS(f *testing.F) {
	for _, s := range []string{"2818.20", "281820", "2818 20 00 90", "77", "28X8", "", "0306.14", "2818..20", "８４", "2710-19", "\u00a0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHS(s)
		if err != nil {
			if !h.IsZero() {
				t.Fatalf("error with a non-zero code %v", h)
			}
			return
		}
		d := h.Digits()
		if n := len(d); n < 2 || n > 10 || n%2 == 1 {
			t.Fatalf("ParseHS(%q) gave %d digits", s, n)
		}
		// The formatted form parses back to the same code.
		h2, err := ParseHS(h.String())
		if err != nil || h2 != h {
			t.Fatalf("round trip %q -> %q -> %v, %v", s, h.String(), h2, err)
		}
	})
}
