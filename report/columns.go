package report

import (
	"strconv"
	"strings"

	"github.com/screen-compliance/screen/record"
)

// The columns of the csv format and of the XLSX Results sheet, in order.
// The order is part of the format: new columns are added, never moved
// without a note in the README.
const (
	rcID             = iota // record id
	rcSource                // input file
	rcRow                   // 1-based data row
	rcDecision              // clear, review, block, error
	rcParty                 // party rows: the party's name
	rcShipper               // shipment rows: one column per role, the names of the role's parties
	rcConsignee             //
	rcNotifyParty           //
	rcBuyer                 //
	rcSeller                //
	rcManufacturer          //
	rcCarrier               //
	rcVessel                //
	rcHSCodes               // HS codes of the goods lines
	rcRules                 // rule ids of the reasons that count
	rcTopRole               // the top match: role of the party it is for
	rcTopEntityID           // its entity id
	rcTopList               // its list
	rcTopName               // the entity's listed name
	rcTopMatchedName        // the name form that matched
	rcTopScore              // its score
	rcMatchCount            // number of matches
	rcCategories            // goods categories that a reason used (findings)
	rcContext               // goods categories that no reason used (context)
	rcCitations             // citations of the reasons that count
	rcMessages              // messages of the reasons that count
	rcBaselineKnown         // rule ids of findings already in the --baseline report
	rcError                 // why the record could not be screened
	rcSuppressed            // rule ids of suppressed findings
	numResultCols
)

// resultHeader returns the header row of the csv format and of the XLSX
// Results sheet.
func resultHeader() []string {
	return []string{
		rcID: "id", rcSource: "source", rcRow: "row", rcDecision: "decision",
		rcParty:   record.RoleParty,
		rcShipper: record.RoleShipper, rcConsignee: record.RoleConsignee, rcNotifyParty: record.RoleNotifyParty,
		rcBuyer: record.RoleBuyer, rcSeller: record.RoleSeller, rcManufacturer: record.RoleManufacturer,
		rcCarrier: record.RoleCarrier, rcVessel: record.RoleVessel,
		rcHSCodes: "hs_codes", rcRules: "rules",
		rcTopRole: "top_role", rcTopEntityID: "top_entity_id", rcTopList: "top_list", rcTopName: "top_name",
		rcTopMatchedName: "top_matched_name", rcTopScore: "top_score", rcMatchCount: "match_count",
		rcCategories: "categories", rcContext: "context_categories",
		rcCitations: "citations", rcMessages: "messages",
		rcBaselineKnown: "baseline_known", rcError: "error", rcSuppressed: "suppressed",
	}
}

// roleColumns maps party roles to their name columns.
func roleColumn(role string) (int, bool) {
	switch role {
	case record.RoleParty:
		return rcParty, true
	case record.RoleShipper:
		return rcShipper, true
	case record.RoleConsignee:
		return rcConsignee, true
	case record.RoleNotifyParty:
		return rcNotifyParty, true
	case record.RoleBuyer:
		return rcBuyer, true
	case record.RoleSeller:
		return rcSeller, true
	case record.RoleManufacturer:
		return rcManufacturer, true
	case record.RoleCarrier:
		return rcCarrier, true
	case record.RoleVessel:
		return rcVessel, true
	}
	return 0, false
}

// screenedParties returns the parties of d: the screened parties the
// decision carries, else those of its input record, else the parties its
// matches name.
func screenedParties(d *record.Decision) []record.Party {
	if len(d.Parties) > 0 {
		return d.Parties
	}
	if d.Record != nil && len(d.Record.Parties) > 0 {
		return d.Record.Parties
	}
	var out []record.Party
	seen := map[[2]string]bool{}
	for _, m := range d.Matches {
		k := [2]string{m.Role, m.Query}
		if !seen[k] {
			seen[k] = true
			out = append(out, record.Party{Role: m.Role, Name: m.Query})
		}
	}
	return out
}

// hsCodes returns the HS codes of d's goods lines without repeats, in order.
func hsCodes(d *record.Decision) []string {
	if len(d.Goods) > 0 {
		return uniq(len(d.Goods), func(i int) string { return d.Goods[i].HS })
	}
	if d.Record != nil {
		g := d.Record.Goods
		return uniq(len(g), func(i int) string { return g[i].HS })
	}
	return nil
}

// resultRow returns the cells of the csv row (and the XLSX Results row) of
// d, in column order, not yet neutralised. Rules, citations and messages
// come from the reasons that count; the rule ids of suppressed reasons go
// to the suppressed column, those of findings already in the baseline (which
// still count) to baseline_known.
func resultRow(d *record.Decision) []string {
	row := make([]string, numResultCols)
	row[rcID], row[rcSource], row[rcDecision], row[rcError] = d.ID, d.Source, d.Decision, d.Error
	if d.Row > 0 {
		row[rcRow] = strconv.Itoa(d.Row)
	}

	names := make([][]string, numResultCols)
	for _, p := range screenedParties(d) {
		name := strings.TrimSpace(p.Name)
		if name == "" {
			name = firstNonEmpty(p.IMO, p.IDNumber)
		}
		if col, ok := roleColumn(p.Role); ok {
			names[col] = append(names[col], name)
		} else if name != "" {
			// A role without a column of its own goes to party, named.
			names[rcParty] = append(names[rcParty], p.Role+": "+name)
		}
	}
	for col, ns := range names {
		if len(ns) > 0 {
			row[col] = strings.Join(uniq(len(ns), func(i int) string { return ns[i] }), proseSep)
		}
	}
	row[rcHSCodes] = strings.Join(hsCodes(d), idSep)

	reasons := visibleReasons(d, false)
	var suppressed, known []record.Reason
	for _, r := range d.Reasons {
		if r.SuppressedBy != "" {
			suppressed = append(suppressed, r)
		} else if r.Baseline == record.BaselineKnown {
			known = append(known, r)
		}
	}
	row[rcRules] = strings.Join(ruleIDs(reasons), idSep)
	if m := topMatch(d); m != nil {
		row[rcTopRole], row[rcTopEntityID], row[rcTopList] = m.Role, m.EntityID, m.List
		row[rcTopName], row[rcTopMatchedName] = m.Name, m.MatchedName
		row[rcTopScore] = strconv.FormatFloat(m.Score, 'f', -1, 64)
	}
	row[rcMatchCount] = strconv.Itoa(len(d.Matches))
	findings, context := splitCategories(d, usedCategories(d))
	row[rcCategories] = strings.Join(findings, idSep)
	row[rcContext] = strings.Join(context, idSep)
	row[rcCitations] = strings.Join(citations(reasons), proseSep)
	var msgs []string
	for _, r := range reasons {
		if r.Message != "" {
			msgs = append(msgs, r.Message)
		}
	}
	row[rcMessages] = strings.Join(msgs, proseSep)
	row[rcBaselineKnown] = strings.Join(ruleIDs(known), idSep)
	row[rcSuppressed] = strings.Join(ruleIDs(suppressed), idSep)
	return row
}

// firstNonEmpty returns the first of vs that is not empty, or "".
func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
