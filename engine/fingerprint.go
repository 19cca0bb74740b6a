package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/screen-compliance/screen/country"
	"github.com/screen-compliance/screen/record"
)

// fingerprintVersion prefixes the hashed key; bump it when the key changes.
const fingerprintVersion = "v2"

// fingerprint identifies a finding across runs and files by what it is
// about, never by where it was found: the rule and what its evidence points
// at, resolved to content — a match as entity id, party role and normalised
// party name; a party as role and normalised name; a goods line as HS code
// and categories; a route fact or input field as its value. A finding that
// is not only about a party match (goods, route, services, ownership) also
// covers the record's whole route and every party (role and name), so that
// another shipment of the same goods by other parties or on another route is
// another finding. The file name, row and record id are never part of it, nor
// the score or message wording, so a re-run on new list versions keeps it.
func fingerprint(rec *record.Record, matches []record.Match, gl []record.Goods, r *record.Reason) string {
	parts := make([]string, 0, len(r.Evidence)+2)
	aboutMatch := true
	for _, ev := range r.Evidence {
		p, err := record.ParsePointer(ev)
		i := p.Index
		switch {
		case err != nil:
			aboutMatch = false
			parts = append(parts, "ref:"+ev)
		case p.Section == record.PtrMatches && i < len(matches):
			m := matches[i]
			parts = append(parts, "match:"+m.EntityID+"@"+m.Role+":"+foldText(m.Query))
		case p.Section == record.PtrParties && i < len(rec.Parties):
			parts = append(parts, partyFingerprint(rec.Parties[i]))
		case p.Section == record.PtrGoods && i < len(gl):
			aboutMatch = false
			cats := append([]string(nil), gl[i].Categories...)
			sort.Strings(cats)
			parts = append(parts, "goods:"+foldText(gl[i].HS)+":"+strings.Join(cats, ","))
		case p.Section == record.PtrFields && i < len(rec.Fields):
			aboutMatch = false
			parts = append(parts, "field:"+foldText(rec.Fields[i].Column)+"="+foldText(rec.Fields[i].Value))
		case p.Section == record.PtrRoute:
			aboutMatch = false
			parts = append(parts, ev+"="+routeValue(&rec.Route, p.Field))
		default:
			aboutMatch = false
			parts = append(parts, "ref:"+ev)
		}
	}
	if !aboutMatch || len(r.Evidence) == 0 {
		parts = append(parts, "context:"+recordContext(rec))
	}
	sort.Strings(parts)
	h := sha256.Sum256([]byte(fingerprintVersion + "|" + r.Rule + "|" + strings.Join(parts, "|")))
	return hex.EncodeToString(h[:12])
}

// partyFingerprint is a party's role and normalised name.
func partyFingerprint(p record.Party) string {
	return "party:" + p.Role + ":" + foldText(p.Name)
}

// recordContext is what a goods, route or services finding is about beyond
// its own evidence: the whole route and every party.
func recordContext(rec *record.Record) string {
	var ps []string
	for _, p := range rec.Parties {
		ps = append(ps, partyFingerprint(p))
	}
	sort.Strings(ps)
	rt := &rec.Route
	var ts []string
	for _, t := range rec.Route.Transshipment {
		ts = append(ts, placeKey(t))
	}
	return fmt.Sprintf("route:%s>%s;pol=%s;pod=%s;via=%s;parties=%s",
		placeKey(rt.Origin), placeKey(rt.Destination), foldText(rt.PortOfLoading), foldText(rt.PortOfDischarge),
		strings.Join(ts, ","), strings.Join(ps, ","))
}

// routeValue returns the value a "route.<field>" pointer names.
func routeValue(rt *record.Route, field string) string {
	switch field {
	case "origin_country":
		return placeKey(rt.Origin)
	case "destination_country":
		return placeKey(rt.Destination)
	case "port_of_loading":
		return foldText(rt.PortOfLoading)
	case "port_of_discharge":
		return foldText(rt.PortOfDischarge)
	case "transshipment":
		var ts []string
		for _, t := range rt.Transshipment {
			ts = append(ts, placeKey(t))
		}
		return strings.Join(ts, ",")
	}
	return "?" + field
}

// placeKey is a country's ISO code when it is one, else the folded text.
func placeKey(s string) string {
	if c := country.Code(s); c != "" {
		return c
	}
	return foldText(s)
}

// foldText lower-cases s and keeps its letters and digits, words separated
// by one space: "Korea Mining  Dev." and "KOREA MINING DEV" fold alike.
// Fingerprints are kept with review decisions, so its output must never
// change: FuzzFoldText compares the ASCII path with foldTextUnicode.
func foldText(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return foldTextUnicode(s)
		}
	}
	b := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') {
			if space && len(b) > 0 {
				b = append(b, ' ')
			}
			space = false
			b = append(b, c)
		} else {
			space = true
		}
	}
	return string(b)
}

// foldTextUnicode is foldText for any text.
func foldTextUnicode(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}
