package goods

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/screen-compliance/screen/country"
	"github.com/screen-compliance/screen/internal/asciitext"
	"github.com/screen-compliance/screen/record"
)

// RouteFacts is the direction of a movement relative to the DPRK and the
// facts the policies need about it. A DPRK port, place or party on the
// supply side makes it FromDPRK; on the receiving side ToDPRK; a DPRK
// transshipment point makes it both. Evidence entries point into the record
// ("route.port_of_loading", "parties[1]").
type RouteFacts struct {
	ToDPRK   bool `json:"to_dprk"`
	FromDPRK bool `json:"from_dprk"`
	// Evidence is the union of FromEvidence and ToEvidence, sorted.
	Evidence     []string `json:"evidence"`
	FromEvidence []string `json:"from_evidence"`
	ToEvidence   []string `json:"to_evidence"`
	// Notes explain the evidence in words, in the order found, for Go
	// callers. They are left out of the policy input: rules cite evidence
	// pointers, and notes quote party names, which would make the DPRK rule
	// families' results differ between rows that differ only in a name
	// (see the policy memo in package policies).
	Notes []string `json:"-"`
	// OriginCountry and DestinationCountry are ISO alpha-2 codes ("" when
	// unknown or unrecognised).
	OriginCountry      string `json:"origin_country,omitempty"`
	DestinationCountry string `json:"destination_country,omitempty"`
	// DPRKPortOfLoading and DPRKPortOfDischarge name the DPRK place of the
	// port fields ("Rajin", "Nampo"); "" when the port is not in the DPRK.
	DPRKPortOfLoading   string `json:"dprk_port_of_loading,omitempty"`
	DPRKPortOfDischarge string `json:"dprk_port_of_discharge,omitempty"`
	// DPRKTransshipment lists DPRK places among the transshipment points.
	DPRKTransshipment []string `json:"dprk_transshipment"`
	// DPRKParties indexes the parties with a DPRK country or place.
	DPRKParties []int `json:"dprk_parties"`
	// VesselFlagDPRK is set when a vessel party flies the DPRK flag.
	VesselFlagDPRK bool `json:"vessel_flag_dprk"`
	// VesselParties indexes the DPRK-flagged vessel parties, and
	// VesselNames gives their names, in the same order.
	VesselParties []int    `json:"vessel_parties"`
	VesselNames   []string `json:"vessel_names"`
	// Indicators are evasion indicators found in the row's free text:
	// "ship_to_ship".
	Indicators []string `json:"indicators"`
	// ExemptionRef is a 1718 Committee exemption or approval reference given
	// in the row; policies downgrade blocks to review, never to clear.
	ExemptionRef string `json:"exemption_ref,omitempty"`
	// ExemptionEvidence points at where ExemptionRef was found
	// ("fields[19]", "goods[0].description").
	ExemptionEvidence string `json:"exemption_evidence,omitempty"`
	// NotificationRef is an advance-notification reference (Rajin coal
	// transit, petroleum supply) shown to the reviewer; it changes nothing.
	NotificationRef string `json:"notification_ref,omitempty"`
}

// Involved reports whether the movement touches the DPRK at all.
func (f RouteFacts) Involved() bool { return f.ToDPRK || f.FromDPRK }

//go:embed data/places.yaml
var placesYAML []byte

// place is a DPRK place and whether it is a port or crossing.
type place struct {
	Name     string   `yaml:"name"`
	Port     bool     `yaml:"port"`
	Variants []string `yaml:"variants"`
}

// placeIndex maps a folded variant (letters and digits only) to its place.
type placeIndex struct {
	byKey  map[string]place
	maxLen int // most tokens in a variant
}

var places = sync.OnceValues(func() (*placeIndex, error) {
	var doc struct {
		Places []place `yaml:"places"`
	}
	if err := yaml.Unmarshal(placesYAML, &doc); err != nil {
		return nil, fmt.Errorf("parse embedded data/places.yaml: %w", err)
	}
	ix := &placeIndex{byKey: map[string]place{}}
	for _, p := range doc.Places {
		for _, v := range p.Variants {
			ws := words(v)
			ix.byKey[strings.Join(ws, "")] = p
			ix.maxLen = max(ix.maxLen, len(ws))
		}
	}
	return ix, nil
})

// locode matches a UN/LOCODE of a DPRK location ("KPNAM", "KP NAM").
var locode = regexp.MustCompile(`\bKP ?[A-Z2-9]{3}\b`)

// DPRKPlace returns the DPRK place that s names ("Nampo" for "Namp'o,
// DPRK"), "DPRK" when s names only the country, or "" when s names no DPRK
// place.
func DPRKPlace(s string) string { return dprkPlace(s, true) }

// dprkPlace is DPRKPlace; codes says whether UN/LOCODEs count (not in
// party names, where "KP ABC" may be anything).
func dprkPlace(s string, codes bool) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	ix, err := places()
	if err != nil {
		return ""
	}
	ws := words(s)
	found := ""
	var key []byte
	for i := range ws {
		for n := min(ix.maxLen, len(ws)-i); n >= 1; n-- {
			key = key[:0]
			for _, w := range ws[i : i+n] {
				key = append(key, w...)
			}
			if p, ok := ix.byKey[string(key)]; ok {
				if p.Name != "DPRK" {
					return p.Name
				}
				found = p.Name
			}
		}
	}
	if found != "" {
		return found
	}
	if codes && strings.Contains(s, "KP") && locode.MatchString(s) {
		return "DPRK"
	}
	if dprkPlaceParts(s) {
		return "DPRK"
	}
	return ""
}

// dprkPlaceParts reports whether a part of s between commas, brackets,
// slashes or semicolons names the DPRK: "Port X, KP".
func dprkPlaceParts(s string) bool {
	for rest := s; rest != ""; {
		part := rest
		if i := strings.IndexAny(rest, ",()/;"); i >= 0 {
			part, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		if part != "" && country.IsDPRK(part) {
			return true
		}
	}
	return false
}

// isDPRK reports whether a country field names the DPRK (as a country or a
// DPRK place), and what it named.
func isDPRK(s string) (bool, string) {
	if strings.TrimSpace(s) == "" {
		return false, ""
	}
	if country.IsDPRK(s) {
		return true, "DPRK"
	}
	if p := DPRKPlace(s); p != "" {
		return true, p
	}
	return false, ""
}

// Supply-side and receiving-side party roles.
var (
	fromRoles = []string{record.RoleShipper, record.RoleSeller, record.RoleManufacturer}
	toRoles   = []string{record.RoleConsignee, record.RoleBuyer, record.RoleNotifyParty}
)

// Route works out the direction of the movement relative to the DPRK from
// the route (origin, ports, destination, transshipment) and the parties'
// countries. It never fails; unknown values are simply not evidence.
func Route(rec *record.Record) RouteFacts {
	f := RouteFacts{
		Evidence: []string{}, FromEvidence: []string{}, ToEvidence: []string{}, Notes: []string{},
		DPRKTransshipment: []string{}, DPRKParties: []int{}, VesselParties: []int{}, VesselNames: []string{}, Indicators: []string{},
	}
	if rec == nil {
		return f
	}
	r := rec.Route
	from := func(ptr, note string) {
		f.FromDPRK = true
		f.FromEvidence = appendUniq(f.FromEvidence, ptr)
		f.Notes = append(f.Notes, note)
	}
	to := func(ptr, note string) {
		f.ToDPRK = true
		f.ToEvidence = appendUniq(f.ToEvidence, ptr)
		f.Notes = append(f.Notes, note)
	}
	f.OriginCountry = country.Code(r.Origin)
	f.DestinationCountry = country.Code(r.Destination)
	if ok, what := isDPRK(r.Origin); ok {
		f.OriginCountry = country.DPRK
		from(record.RouteField("origin_country").String(), fmt.Sprintf("origin %q is the DPRK (%s)", r.Origin, what))
	}
	if ok, what := isDPRK(r.Destination); ok {
		f.DestinationCountry = country.DPRK
		to(record.RouteField("destination_country").String(), fmt.Sprintf("destination %q is the DPRK (%s)", r.Destination, what))
	}
	if p := DPRKPlace(r.PortOfLoading); p != "" {
		f.DPRKPortOfLoading = p
		from(record.RouteField("port_of_loading").String(), fmt.Sprintf("port of loading %q is in the DPRK (%s)", r.PortOfLoading, p))
	}
	if p := DPRKPlace(r.PortOfDischarge); p != "" {
		f.DPRKPortOfDischarge = p
		to(record.RouteField("port_of_discharge").String(), fmt.Sprintf("port of discharge %q is in the DPRK (%s)", r.PortOfDischarge, p))
	}
	for i, t := range r.Transshipment {
		ok, what := isDPRK(t)
		if !ok {
			continue
		}
		ptr := record.RouteField("transshipment").WithFieldIndex(i).String()
		f.DPRKTransshipment = append(f.DPRKTransshipment, what)
		from(ptr, fmt.Sprintf("transshipment point %q is in the DPRK (%s)", t, what))
		to(ptr, "the goods also enter the DPRK there")
	}
	for i, p := range rec.Parties {
		if p.Role == record.RoleVessel {
			if country.IsDPRK(p.Country) {
				f.VesselFlagDPRK = true
				f.VesselParties = append(f.VesselParties, i)
				f.VesselNames = append(f.VesselNames, p.Name)
				f.Notes = append(f.Notes, fmt.Sprintf("vessel %q flies the DPRK flag", p.Name))
			}
			continue
		}
		ok, what := isDPRK(p.Country)
		if !ok && strings.TrimSpace(p.Country) == "" {
			// No country given: a DPRK place or the country in the name.
			if pl := dprkPlace(p.Name, false); pl != "" {
				ok, what = true, pl+" in the party name"
			}
		}
		if !ok {
			continue
		}
		f.DPRKParties = append(f.DPRKParties, i)
		ptr := record.Item(record.PtrParties, i).String()
		note := fmt.Sprintf("%s %q is in the DPRK (%s)", roleName(p.Role), p.Name, what)
		switch {
		case slices.Contains(fromRoles, p.Role):
			from(ptr, note)
		case slices.Contains(toRoles, p.Role):
			to(ptr, note)
		default:
			f.Notes = append(f.Notes, note)
		}
	}
	f.Evidence = appendUniq(slices.Clone(f.FromEvidence), f.ToEvidence...)
	sort.Strings(f.Evidence)
	scanText(rec, &f)
	return f
}

func roleName(r string) string {
	if r == "" {
		return "party"
	}
	return strings.ReplaceAll(r, "_", " ")
}

func appendUniq(dst []string, add ...string) []string {
	for _, s := range add {
		if !slices.Contains(dst, s) {
			dst = append(dst, s)
		}
	}
	return dst
}

// stsPattern finds ship-to-ship transfer mentions in free text.
var stsPattern = regexp.MustCompile(`(?i)\b(ship[\s-]*to[\s-]*ship|STS(\s+transfer)?|lighter(ing|age)|(at|mid)[\s-]*sea\s+transfer|transshipment\s+at\s+sea|transhipment\s+at\s+sea)\b`)

// stsWords and exemptionWords are the words that every match of stsPattern
// and of exemptionText, respectively, contains (lower case).
var (
	stsWords       = asciitext.NewWords("ship", "sts", "lighter", "sea")
	exemptionWords = asciitext.NewWords("1718", "exemption")
)

// exemptionText finds a 1718 Committee exemption or notification mentioned
// in free text.
var exemptionText = regexp.MustCompile(`(?i)(1718\s+committee\s+(exemption|approval|notification)[^;,.]*|humanitarian\s+exemption[^;,.]*|IAN\s*(no\.?\s*)?7\s+exemption[^;,.]*)`)

// exemptionColumns are words of a column holding a 1718 Committee
// exemption or approval reference. National export licences are not UN
// exemptions and are deliberately not recognised.
var exemptionColumns = asciitext.NewWords("exemption", "exempt", "committee", "1718", "waiver", "humanitarian")

// notificationColumns are words of a column holding a notification
// reference.
var notificationColumns = asciitext.NewWords("notification", "notice")

// noValue are cell values that mean "no reference".
var noValue = map[string]bool{"": true, "no": true, "none": true, "n/a": true, "na": true, "-": true, "0": true, "false": true, "nil": true}

func columnHas(col string, words *asciitext.Words) bool {
	if !asciitext.IsASCII(col) {
		col = strings.ToLower(col)
	}
	return words.ContainsAny(col)
}

// scanText looks through the row's free text (all input fields and the
// goods descriptions) for evasion indicators and for exemption and
// notification references.
func scanText(rec *record.Record, f *RouteFacts) {
	for i, fl := range rec.Fields {
		v := strings.TrimSpace(fl.Value)
		if isNoValue(v) {
			continue
		}
		ptr := record.Item(record.PtrFields, i)
		switch {
		case columnHas(fl.Column, notificationColumns):
			if f.NotificationRef == "" {
				f.NotificationRef = fmt.Sprintf("%s: %s", fl.Column, v)
			}
		case f.ExemptionRef == "" && columnHas(fl.Column, exemptionColumns):
			f.ExemptionRef, f.ExemptionEvidence = fmt.Sprintf("%s: %s", fl.Column, v), ptr.String()
		}
		scanFree(v, ptr, f)
	}
	for i, g := range rec.Goods {
		scanFree(g.Description, record.Item(record.PtrGoods, i).WithField("description"), f)
	}
}

// isNoValue reports whether noValue holds v in lower case (without
// building it on the heap: a row's short values are mostly codes).
func isNoValue(v string) bool {
	if len(v) > 5 {
		return false
	}
	var buf [5]byte
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 0x80 {
			return noValue[strings.ToLower(v)]
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return noValue[string(buf[:len(v)])]
}

// scanFree checks one free-text value. The regular expressions run only on
// text holding a word each needs (or any non-ASCII letter, which
// case-insensitive matching may fold): most values hold none.
func scanFree(text string, ptr record.Pointer, f *RouteFacts) {
	ascii := asciitext.IsASCII(text)
	if (!ascii || stsWords.ContainsAny(text)) && stsPattern.MatchString(text) {
		f.Indicators = appendUniq(f.Indicators, "ship_to_ship")
	}
	if f.ExemptionRef == "" && (!ascii || exemptionWords.ContainsAny(text)) {
		if m := exemptionText.FindString(text); m != "" {
			f.ExemptionRef, f.ExemptionEvidence = strings.TrimSpace(m), ptr.String()
		}
	}
}
