package country

import "testing"

func TestCode(t *testing.T) {
	tests := map[string]string{
		"KP": "KP", "PRK": "KP", "DPRK": "KP", "D.P.R.K.": "KP", "North Korea": "KP", "N. Korea": "KP",
		"Korea, North": "KP", "Democratic People's Republic of Korea": "KP", "Korea, DPR": "KP",
		"South Korea": "KR", "Republic of Korea": "KR", "China": "CN", "PRC": "CN", "People's Republic of China": "CN",
		"Hong Kong": "HK", "Russian Federation": "RU", "Russia": "RU", "UAE": "AE", "United Kingdom": "GB",
		"U.S.A.": "US", "Viet Nam": "VN", "Vietnam": "VN", "Germany": "DE", "de": "DE", "Burma": "MM",
		"": "", "   ": "", "Narnia": "", "Atlantis": "",
	}
	for in, want := range tests {
		if got := Code(in); got != want {
			t.Errorf("Code(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestName(t *testing.T) {
	if got := Name("KP"); got == "KP" || got == "" {
		t.Errorf("Name(KP) = %q", got)
	}
	if got := Name("ZZ"); got != "ZZ" {
		t.Errorf("Name(ZZ) = %q, want the code back", got)
	}
}

func FuzzCode(f *testing.F) {
	for _, s := range []string{"KP", "North Korea", "D.P.R.K.", "", "日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if c := Code(s); c != "" && len(c) != 2 {
			t.Fatalf("Code(%q) = %q: not an alpha-2 code", s, c)
		}
	})
}
