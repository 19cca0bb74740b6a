package entity

import (
	"regexp"
	"strconv"
	"strings"
)

var months = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
	"january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7,
	"august": 8, "september": 9, "sept": 9, "october": 10, "november": 11, "december": 12,
}

var (
	reISODate    = regexp.MustCompile(`^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T.*)?$`)
	reDMY        = regexp.MustCompile(`^(?:(\d{1,2}) )?([A-Za-z]{3,9})\.? (\d{4})$`)
	reSlashDMY   = regexp.MustCompile(`^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$`)
	reSlashYears = regexp.MustCompile(`^(\d{4})/(\d{4})$`)
	reYearRange  = regexp.MustCompile(`^(.+?) (?:to|-|–) (.+)$`)
)

// ParseDate turns a date as written by a list ("10 Dec 1948", "Dec 1948",
// "1948", "circa 1951", "1958 to 1962", "01 Jan 1958 to 31 Dec 1962",
// "1948-12-10", "10/12/1948", "10.12.1948" or "10-12-1948" as day/month/year,
// "1958/1962") into a Date. Approximate
// dates ("circa", "approximately") keep their stated precision. It returns ""
// when s is not a date.
func ParseDate(s string) Date {
	if d, ok := canonicalDate(s); ok {
		return d
	}
	return parseDate(s)
}

// canonicalDate returns s as a Date when s is already written as ParseDate
// writes a single date ("1960", "1960-05", "1960-05-01", in range): the
// common case of a query's date of birth, read without the patterns.
func canonicalDate(s string) (Date, bool) {
	if len(s) != 4 && len(s) != 7 && len(s) != 10 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if i == 4 || i == 7 {
			if s[i] != '-' {
				return "", false
			}
		} else if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	if Date(s).Span().Year == 0 {
		return "", false
	}
	return Date(s), true
}

// parseDate is ParseDate for any text.
func parseDate(s string) Date {
	s = strings.Join(strings.Fields(strings.TrimSuffix(strings.TrimSpace(s), ".")), " ")
	for _, p := range []string{"circa ", "approximately ", "approx. ", "about ", "c. ", "ca. "} {
		if len(s) > len(p) && strings.EqualFold(s[:len(p)], p) {
			s = strings.TrimSpace(s[len(p):])
		}
	}
	if m := reSlashYears.FindStringSubmatch(s); m != nil {
		from, to := ymd(m[1], "", ""), ymd(m[2], "", "")
		switch {
		case from == "" || to == "" || from > to:
			return ""
		case from == to:
			return Date(from)
		}
		return Date(from + "/" + to)
	}
	if m := reYearRange.FindStringSubmatch(s); m != nil {
		from, to := parseOneDate(m[1]), parseOneDate(m[2])
		if from == "" || to == "" {
			return ""
		}
		// A whole-year range written as 01 Jan X to 31 Dec Y is "X/Y".
		if strings.HasSuffix(from, "-01-01") && strings.HasSuffix(to, "-12-31") {
			from, to = from[:4], to[:4]
		}
		if from == to {
			return Date(from)
		}
		if d := Date(from + "/" + to); d.Span().Year != 0 {
			return d
		}
		return "" // a range that ends before it starts ("1700 to 1000")
	}
	return Date(parseOneDate(s))
}

// parseOneDate parses a single date; see ParseDate.
func parseOneDate(s string) string {
	s = strings.TrimSpace(s)
	if m := reISODate.FindStringSubmatch(s); m != nil {
		return ymd(m[1], m[2], m[3])
	}
	if m := reDMY.FindStringSubmatch(s); m != nil {
		mon, ok := months[strings.ToLower(m[2])]
		if !ok {
			return ""
		}
		return ymd(m[3], strconv.Itoa(mon), m[1])
	}
	if m := reSlashDMY.FindStringSubmatch(s); m != nil {
		return ymd(m[3], m[2], m[1])
	}
	return ""
}

// DateOf writes year, month and day (the last two may be "") as a Date,
// or "" when a part is out of range.
func DateOf(y, m, d string) Date { return Date(ymd(y, m, d)) }

// ymd formats year, month and day (the last two optional) as an ISO date,
// or "" when a part is out of range.
func ymd(y, m, d string) string {
	if yi, err := strconv.Atoi(y); err != nil || yi < 1000 || yi > 9999 {
		return ""
	}
	if m == "" {
		return y
	}
	mi, err := strconv.Atoi(m)
	if err != nil || mi < 1 || mi > 12 {
		return ""
	}
	if d == "" {
		return y + "-" + pad2(mi)
	}
	di, err := strconv.Atoi(d)
	if err != nil || di < 1 || di > 31 {
		return ""
	}
	return y + "-" + pad2(mi) + "-" + pad2(di)
}

func pad2(i int) string {
	if i < 10 {
		return "0" + strconv.Itoa(i)
	}
	return strconv.Itoa(i)
}

// DateSpan is a Date read into numbers: a year range Year..YearTo, and the
// month and day when the date gives them (0 otherwise). The zero DateSpan
// is no date.
type DateSpan struct {
	Year, YearTo, Month, Day int
}

// Span reads a Date written as ParseDate writes it ("1960", "1960-05",
// "1960-05-01", "1958/1962", "1958-01-05/1962-03-01"); anything else yields
// the zero DateSpan. It does not allocate.
func (d Date) Span() DateSpan {
	s := string(d)
	if from, to, ok := strings.Cut(s, "/"); ok {
		a, b := Date(from).Span(), Date(to).Span()
		if a.Year == 0 || b.Year == 0 || b.Year < a.Year {
			return DateSpan{}
		}
		return DateSpan{Year: a.Year, YearTo: b.Year}
	}
	if len(s) != 4 && len(s) != 7 && len(s) != 10 {
		return DateSpan{}
	}
	y, ok := digits(s[:4])
	if !ok || y < 1000 {
		return DateSpan{}
	}
	sp := DateSpan{Year: y, YearTo: y}
	if len(s) >= 7 {
		m, ok := digits(s[5:7])
		if !ok || s[4] != '-' || m < 1 || m > 12 {
			return DateSpan{}
		}
		sp.Month = m
	}
	if len(s) == 10 {
		d, ok := digits(s[8:10])
		if !ok || s[7] != '-' || d < 1 || d > 31 {
			return DateSpan{}
		}
		sp.Day = d
	}
	return sp
}

// digits parses a string of ASCII digits without allocating.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, s != ""
}
