// Package country normalises country names, ISO 3166 codes and common trade
// spellings ("DPRK", "N. Korea", "Korea, North") to ISO 3166-1 alpha-2 codes.
package country

import (
	"strings"

	"github.com/biter777/countries"
)

// DPRK is the ISO 3166-1 alpha-2 code of the Democratic People's Republic of Korea.
const DPRK = "KP"

// aliases holds spellings the countries library does not know, keyed by the
// folded form produced by fold.
var aliases = map[string]string{
	"dprk":                       DPRK,
	"d p r k":                    DPRK,
	"n korea":                    DPRK,
	"nk":                         DPRK,
	"north korean":               DPRK,
	"korea dpr":                  DPRK,
	"korea dem people s rep":     DPRK,
	"korea north":                DPRK,
	"rok":                        "KR",
	"south korea":                "KR",
	"korea republic of":          "KR",
	"korea":                      "KR",
	"prc":                        "CN",
	"people s republic of china": "CN",
	"china prc":                  "CN",
	"p r china":                  "CN",
	"mainland china":             "CN",
	"chinese":                    "CN",
	"russia":                     "RU",
	"russian":                    "RU",
	"uae":                        "AE",
	"usa":                        "US",
	"us":                         "US",
	"burma":                      "MM",
	"iranian":                    "IR",
	"syrian":                     "SY",
	"taiwan":                     "TW",
	"hongkong":                   "HK",
	"macao":                      "MO",
	"macau":                      "MO",
}

// fold lower-cases s and turns every run of non-alphanumeric characters into
// one space.
func fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r > 0x7f {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

// Code returns the ISO 3166-1 alpha-2 code for a country name, an alpha-2 or
// alpha-3 code, or a common alias. It returns "" when s is not recognised.
func Code(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	f := fold(s)
	if c, ok := aliases[f]; ok {
		return c
	}
	if c, ok := aliases[strings.ReplaceAll(f, " ", "")]; ok {
		return c
	}
	c := countries.ByName(s)
	if c == countries.Unknown {
		c = countries.ByName(f)
	}
	if c == countries.Unknown {
		return ""
	}
	return c.Alpha2()
}

// Name returns the English short name for an alpha-2 code, or the code itself
// when it is unknown.
func Name(code string) string {
	c := countries.ByName(code)
	if c == countries.Unknown {
		return code
	}
	return c.String()
}
