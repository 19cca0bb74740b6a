package country

import (
	"strings"
	"testing"

	"github.com/biter777/countries"
)

func TestCode(t *testing.T) {
	tests := map[string]string{
		"KP": "KP", "PRK": "KP", "DPRK": "KP", "D.P.R.K.": "KP", "North Korea": "KP", "N. Korea": "KP",
		"Korea, North": "KP", "Democratic People's Republic of Korea": "KP", "Korea, DPR": "KP",
		"South Korea": "KR", "Republic of Korea": "KR", "China": "CN", "PRC": "CN", "People's Republic of China": "CN",
		"Hong Kong": "HK", "Russian Federation": "RU", "Russia": "RU", "UAE": "AE", "United Kingdom": "GB",
		"U.S.A.": "US", "Viet Nam": "VN", "Vietnam": "VN", "Germany": "DE", "de": "DE", "Burma": "MM",
		"UK": "GB", "NK": "KP", "XK": "XK", "Kosovo": "XK", "NA": "NA", "Namibia": "NA", "Türkiye": "TR",
		"": "", "   ": "", "Narnia": "", "Atlantis": "",
		// Found by FuzzCode: the countries library answers "None" for XX.
		"XX": "", "xx": "", "None": "", "none": "",
		// Markers and obsolete codes of the library that name no country today.
		"International": "", "Yugoslavia": "", "YU": "", "CS": "", "AN": "", "Netherlands Antilles": "",
		// Vehicle and reserved codes are not taken for countries.
		"RC": "", "RI": "", "SF": "", "DD": "", "EA": "", "EU": "",
		// Placeholders are no country (and not Namibia).
		"N/A": "", "n.a.": "", "-": "", "unknown": "", "TBD": "",
	}
	for in, want := range tests {
		if got := Code(in); got != want {
			t.Errorf("Code(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMissing(t *testing.T) {
	for _, s := range []string{"", " ", "-", "--", "?", "N/A", "n/a", "N.A.", "none", "Unknown", "TBD", "XX", "not applicable"} {
		if !Missing(s) {
			t.Errorf("Missing(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"NA", "Namibia", "KP", "Narnia", "no"} {
		if Missing(s) {
			t.Errorf("Missing(%q) = true, want false", s)
		}
	}
}

// TestCodeOnlyAssigned checks every two- and three-letter input: what Code
// returns is always an assigned code that Name knows.
func TestCodeOnlyAssigned(t *testing.T) {
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	check := func(s string) {
		c := Code(s)
		if c == "" {
			return
		}
		if !valid[c] || Name(c) == c {
			t.Errorf("Code(%q) = %q: not an assigned code", s, c)
		}
		if len(s) == 2 && c != s && aliases[strings.ToLower(s)] == "" {
			t.Errorf("Code(%q) = %q: a two-letter input is a code or an alias", s, c)
		}
	}
	for _, a := range letters {
		for _, b := range letters {
			check(string(a) + string(b))
			for _, d := range letters {
				check(string(a) + string(b) + string(d))
			}
		}
	}
}

func TestName(t *testing.T) {
	if got := Name("KP"); got == "KP" || got == "" {
		t.Errorf("Name(KP) = %q", got)
	}
	for _, code := range []string{"ZZ", "XX", "YU"} {
		if got := Name(code); got != code {
			t.Errorf("Name(%s) = %q, want the code back", code, got)
		}
	}
}

func FuzzCode(f *testing.F) {
	for _, s := range []string{"KP", "North Korea", "D.P.R.K.", "", "日本", "XX", "International", "N/A"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Code(s)
		if c == "" {
			return
		}
		if !valid[c] {
			t.Fatalf("Code(%q) = %q: not an assigned alpha-2 code", s, c)
		}
		if Missing(s) {
			t.Fatalf("Code(%q) = %q, but Missing says no country is given", s, c)
		}
	})
}

// isDPRKCases are texts IsDPRK must read as Code does: the DPRK's names in
// every form the countries package knows, other countries, places and
// party names with and without brackets.
var isDPRKCases = []string{
	"KP", "kp", " KP ", "PRK", "prk", "DPRK", "D.P.R.K.", "North Korea", "north korea", "NORTH-KOREA", "Korea, North",
	"Korea (Democratic People's Republic of)", "Democratic People's Republic of Korea", "Korea, Democratic People's Republic",
	"Nordkorea", "Korea North", "N. Korea", "KR", "South Korea", "Korea", "Republic of Korea", "Korea (North)", "(North Korea)",
	"Hamburg", "Nampo", "Dandong", "Harmless Widgets GmbH", "Korea Mining Dev. Trading Corp", "Pyongyang", "Chongjin, KP",
	"", " ", "()", "US", "USA", "Germany", "Deutschland", "Netherlands Antilles", "AN", "XK", "ÖSTERREICH", "Nord Korea (Süd)",
	"\xff\xfeNorth Korea", "North\x00Korea", "ＮＯＲＴＨ ＫＯＲＥＡ",
}

func TestIsDPRKAsCode(t *testing.T) {
	for _, s := range isDPRKCases {
		if got, want := IsDPRK(s), Code(s) == DPRK; got != want {
			t.Errorf("IsDPRK(%q) = %v, Code gives %q", s, got, Code(s))
		}
	}
}

// FuzzIsDPRK: IsDPRK reads every text as Code does.
func FuzzIsDPRK(f *testing.F) {
	for _, s := range isDPRKCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := IsDPRK(s), Code(s) == DPRK; got != want {
			t.Fatalf("IsDPRK(%q) = %v, Code gives %q", s, got, Code(s))
		}
	})
}

// FuzzByName: byName, which answers most names from a table, answers every
// text as countries.ByName does.
func FuzzByName(f *testing.F) {
	for _, c := range countries.All() {
		f.Add(c.String())
		f.Add(c.Alpha3())
	}
	for _, s := range isDPRKCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := byName(s), countries.ByName(s); got != want {
			t.Fatalf("byName(%q) = %v, countries.ByName gives %v", s, got, want)
		}
	})
}

// TestByNameKnowsCountryNames: the table answers the names the lists and
// shipment files use, so that Code does not fall back to ByName for them.
func TestByNameKnowsCountryNames(t *testing.T) {
	for _, s := range []string{"China", "Malaysia", "Singapore", "Germany", "Russian Federation", "Iran (Islamic Republic of)", "BANGLADESH", "viet nam"} {
		var buf [maxKey]byte
		key, ok := asciiKey(s, &buf)
		if _, hit := known()[string(key)]; !ok || !hit {
			t.Errorf("%q (key %q) is not in the table", s, key)
		}
		if got, want := byName(s), countries.ByName(s); got != want {
			t.Errorf("byName(%q) = %v, ByName %v", s, got, want)
		}
	}
}
