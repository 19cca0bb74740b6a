package web

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/suppress"
	"github.com/screen-compliance/screen/web/store"
)

// recordTarget is the match index of a decision on the whole record (the
// goods, route and services findings; a record without matches).
const recordTarget = -1

// disposition is the current review decision on one match of a record, or
// on the whole record (Match == recordTarget).
type disposition = store.Disposition

// dispositions maps a target (match index or recordTarget) to its
// disposition.
type dispositions = store.Dispositions

// recordState sums up a record's dispositions as one review state for the
// queue: confirmed if anything is confirmed; else awaiting approval, needs
// information; false positive when every match is a false positive; partly
// reviewed when some are; else open.
func recordState(ds dispositions, nMatches int) string {
	has := map[string]bool{}
	fp := 0
	for _, d := range ds {
		has[d.State] = true
		if d.Match >= 0 && d.Match < nMatches && d.State == stateFalsePositive {
			fp++
		}
	}
	switch {
	case has[stateConfirmed]:
		return stateConfirmed
	case has[stateFPPending]:
		return stateFPPending
	case has[stateNeedsInfo]:
		return stateNeedsInfo
	case nMatches > 0 && fp == nMatches:
		return stateFalsePositive
	case fp > 0:
		return statePartial
	}
	return stateOpen
}

// reviewedDecision is the decision as the review leaves it. A reason is
// taken out (marked suppressed by the review) only when it is about party
// matches alone and every match it cites is a false positive in force; goods,
// route, services and ownership findings, and a reason that also cites a
// match not judged false, keep counting. A confirmation escalates the
// decision to block. An error stays an error. The screened decision is not
// changed: reports show it, and the reviewed one beside it.
func reviewedDecision(d record.Decision, ds dispositions) record.Decision {
	rd := d
	rd.Reasons = append([]record.Reason(nil), d.Reasons...)
	changed := false
	for i := range rd.Reasons {
		r := &rd.Reasons[i]
		if r.SuppressedBy != "" {
			continue
		}
		idx, only := suppress.MatchEvidence(r, len(d.Matches))
		if !only {
			continue
		}
		var notes []string
		for _, k := range idx {
			disp := ds[k]
			if disp == nil || disp.State != stateFalsePositive {
				notes = nil
				break
			}
			m := d.Matches[k]
			notes = append(notes, fmt.Sprintf("matches[%d] %s for %s %q: false positive, decided by %s on %s: %s",
				k, m.EntityID, m.Role, m.Query, strings.Join(disp.Approvers, " and "), dateOf(disp.At), disp.Reason))
		}
		if len(notes) > 0 {
			r.SuppressedBy = "review: " + strings.Join(notes, "; ")
			changed = true
		}
	}
	if changed {
		suppress.Recompute(&rd)
	}
	for _, disp := range ds {
		if disp.State == stateConfirmed && rd.Decision != record.Error {
			rd.Decision = record.Block
		}
	}
	return rd
}

// dateOf returns the date of a stored timestamp.
func dateOf(at string) string {
	if t := parseTime(at); !t.IsZero() {
		return t.UTC().Format(time.DateOnly)
	}
	return at
}

// dispositionsText describes a record's dispositions in one line for
// exports, by target: `matches[1] un:KPe.020 buyer "Ocean Maritime":
// false_positive by alice (reason)`.
func dispositionsText(ds dispositions) string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(ds)) {
		d := ds[k]
		target := "record"
		if d.Match >= 0 {
			target = fmt.Sprintf("matches[%d] %s %s %q", d.Match, d.EntityID, d.PartyRole, d.PartyName)
		}
		s := fmt.Sprintf("%s: %s by %s", target, d.State, strings.Join(d.Approvers, " and "))
		if d.Reason != "" {
			s += " (" + d.Reason + ")"
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}
