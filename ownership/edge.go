// Package ownership builds the relationship graph between listed and
// unlisted parties (ownership, directorship, family, "Linked To" links) and
// derives which unlisted entities are blocked or need review because of who
// owns or controls them.
//
// The OFAC 50 % rule is applied as OFAC states it (Revised Guidance on
// Entities Owned by Persons Whose Property and Interests in Property Are
// Blocked, 13 August 2014): the direct holdings of all blocked owners are
// summed; an entity whose sum reaches 50 % is itself blocked, and its own
// holdings then count toward the entities it owns, to any depth.
// Percentages are never multiplied along a chain. Ended holdings do not
// count; a missing percentage is unknown and leads to review, never to clear.
//
// The graph is built once per list snapshot (Build), off the hot path; a
// screen only looks up the party's nodes (Findings).
package ownership

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/screen-compliance/screen/internal/decimal"
)

// Relations an Edge can have. An edge always points from the owner,
// director or linking party (Owner*) to the owned, directed or linked party
// (Owned*).
const (
	RelOwns      = "owns"      // Owner holds Percent of Owned
	RelDirector  = "director"  // Owner is a director or officer of Owned
	RelLinkedTo  = "linked_to" // Owner is linked to Owned (OFAC "Linked To:")
	RelFamily    = "family"    // Owner and Owned are relatives
	RelAssociate = "associate" // Owner and Owned are associates
)

// Edge is one relationship between two parties. Ids are list entity ids
// ("ofac:20564", "os:NK-...") when the source gives them; names are kept as
// the source wrote them and are resolved against the lists by Build when the
// id is empty.
type Edge struct {
	OwnerID   string `json:"owner_id,omitempty"`
	OwnerName string `json:"owner_name,omitempty"`
	OwnedID   string `json:"owned_id,omitempty"`
	OwnedName string `json:"owned_name,omitempty"`
	// Percent is the share held (0–100) for RelOwns, nil when unknown.
	Percent *float64 `json:"percent,omitempty"`
	// Start and End bound the relationship (YYYY, YYYY-MM or YYYY-MM-DD);
	// empty when open.
	Start string `json:"start_date,omitempty"`
	End   string `json:"end_date,omitempty"`
	// Relation is one of RelOwns, RelDirector, RelLinkedTo, RelFamily,
	// RelAssociate.
	Relation string `json:"relation"`
	// Source says where the edge comes from: "ownership.csv row 3",
	// "ofac:20565 remarks", "ftm NK-3NyeuT6JeJDLhGEyH3JD52".
	Source string `json:"source,omitempty"`
}

// validRelation reports whether r is a known relation.
func validRelation(r string) bool {
	switch r {
	case RelOwns, RelDirector, RelLinkedTo, RelFamily, RelAssociate:
		return true
	}
	return false
}

// normRelation maps the relation spellings accepted in ownership files to a
// relation; "" means owns.
func normRelation(s string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(strings.ReplaceAll(s, "-", "_"))) {
	case "", "owns", "owner", "ownership", "shareholder", "owned_by":
		return RelOwns, true
	case "director", "directorship", "director_of", "officer", "control", "controls":
		return RelDirector, true
	case "linked_to", "linked", "link":
		return RelLinkedTo, true
	case "family", "relative":
		return RelFamily, true
	case "associate", "associate_of":
		return RelAssociate, true
	}
	return "", false
}

// parsePercent reads "30", "30 %", "30%", "0.5" (a half percent, not a
// fraction), "30,5". Empty or "unknown" gives nil: an unknown share.
func parsePercent(s string) (*float64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(s, "%"))
	switch strings.ToLower(s) {
	case "", "unknown", "n/a", "na", "?", "-":
		return nil, nil
	}
	s = strings.Replace(s, ",", ".", 1)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("%q is not a percentage", s)
	}
	if f < 0 || f > 100 || f != f {
		return nil, fmt.Errorf("%v is outside 0–100", f)
	}
	return &f, nil
}

// normDate checks a YYYY, YYYY-MM or YYYY-MM-DD date (an ISO timestamp is
// cut to its date) and returns it; "" stays "".
func normDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	ok := false
	switch len(s) {
	case 4:
		ok = digits(s)
	case 7:
		ok = digits(s[:4]) && s[4] == '-' && digits(s[5:]) && s[5:] >= "01" && s[5:] <= "12"
	case 10:
		ok = digits(s[:4]) && s[4] == '-' && digits(s[5:7]) && s[7] == '-' && digits(s[8:]) &&
			s[5:7] >= "01" && s[5:7] <= "12" && s[8:] >= "01" && s[8:] <= "31"
	}
	if !ok {
		return "", fmt.Errorf("%q is not a date (want YYYY, YYYY-MM or YYYY-MM-DD)", s)
	}
	return s, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// active reports whether an edge holds on date asOf (YYYY-MM-DD): it has not
// ended before asOf and does not start after it. Partial dates compare by
// their precision: an end "2024" holds through 2024.
func (e *Edge) active(asOf string) bool {
	if asOf == "" {
		return true
	}
	if e.End != "" && e.End < asOf[:min(len(e.End), len(asOf))] {
		return false
	}
	if e.Start != "" && e.Start[:min(len(e.Start), len(asOf))] > asOf {
		return false
	}
	return true
}

// percentString formats a share without needless decimals: "30", "49.9".
func percentString(p float64) string {
	return strconv.FormatFloat(decimal.Round(p, 2), 'f', -1, 64)
}
