package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/screen-compliance/screen/record"
)

// Alerts (record.Decision.Alerts) say what changed for a record between
// two screenings (`screen monitor`, `screen rescreen`). Every format shows
// them: json and jsonl carry them in each decision's "alerts"; the table
// lists them first among a record's details; csv and xlsx add the columns
// of AlertHooks; sarif has one result per alert (rule
// "screen.alert.<kind>"); junit names them in the testcase name and the
// failure text; github writes one annotation per alert.

// alertRulePrefix prefixes the SARIF rule ids of alerts.
const alertRulePrefix = "screen.alert."

// alertTitles names the alert kinds for people.
var alertTitles = map[string]string{
	record.AlertNewHit:          "new hit",
	record.AlertHitRemoved:      "hit removed",
	record.AlertHitChanged:      "hit changed",
	record.AlertDecisionChanged: "decision changed",
	record.AlertError:           "could not be decided again",
}

// AlertTitle names an alert kind for people: "new hit", "hit removed", ...
func AlertTitle(kind string) string {
	if t, ok := alertTitles[kind]; ok {
		return t
	}
	return kind
}

// AlertColumns are the headers of the csv and xlsx columns that AlertHooks
// adds.
var alertColumns = []string{"alerts", "alert_entities", "alert_causes", "previous_decision", "alert_messages"}

// AlertHooks returns the hooks that add a record's alerts to a report of
// the named format: the columns alerts (kinds), alert_entities,
// alert_causes (change kinds), previous_decision and alert_messages for
// csv and xlsx, none for the other formats (they show alerts themselves).
func AlertHooks(format string) Hooks {
	f, ok := Lookup(format)
	if !ok || f.Hooks&HookColumns == 0 {
		return Hooks{}
	}
	return Hooks{Columns: append([]string(nil), alertColumns...), Cells: alertCells}
}

// alertCells returns the alert columns of d.
func alertCells(d *record.Decision) []string {
	var kinds, ents, causes, msgs []string
	prev := ""
	for _, a := range d.Alerts {
		kinds = append(kinds, a.Kind)
		if a.EntityID != "" {
			ents = append(ents, a.EntityID)
		}
		causes = append(causes, a.Cause.Change)
		msgs = append(msgs, a.Message)
		prev = a.PreviousDecision
	}
	return []string{strings.Join(kinds, idSep), strings.Join(uniq(len(ents), func(i int) string { return ents[i] }), idSep),
		strings.Join(causes, idSep), prev, strings.Join(msgs, proseSep)}
}

// AlertRules documents the alert kinds as rules (SARIF describes the rules
// of its results from them).
func AlertRules() []RuleDoc {
	docs := []struct{ kind, desc string }{
		{record.AlertNewHit, "A listed entity is now a finding for a party of a monitored or re-screened record: a designation, or a new name of a listed entity. The cause names the list change."},
		{record.AlertHitRemoved, "An entity that was a finding for a party no longer is: a delisting, or a name taken off a listed entity. The cause names the list change."},
		{record.AlertHitChanged, "An entity is still a finding for a party, but its listing, its score, the name that matched or the rules citing it changed."},
		{record.AlertDecisionChanged, "The record's decision changed with no change of its hits (goods, route or ownership findings, or the policies)."},
		{record.AlertError, "The record could not be decided again; its previous decision and hits stand until it can."},
	}
	out := make([]RuleDoc, len(docs))
	for i, d := range docs {
		out[i] = RuleDoc{ID: alertRulePrefix + d.kind, Title: "Alert: " + AlertTitle(d.kind), Description: d.desc}
	}
	return out
}

// alertSeverity is the severity an alert is reported at: the record's new
// decision (a clear one is a note).
func alertSeverity(a *record.Alert) string { return a.Decision }

// alertFingerprint identifies an alert across reports.
func alertFingerprint(d *record.Decision, a *record.Alert) string {
	h := sha256.New()
	for _, s := range []string{a.Portfolio, a.Item, d.ID, a.Kind, strconv.Itoa(a.Party), a.EntityID, a.Cause.Change, strconv.FormatInt(a.Cause.Seq, 10)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// alertLine says an alert in one line: "[new hit] MESSAGE", with its
// cause when the message does not say it.
func alertLine(a *record.Alert) string {
	s := fmt.Sprintf("[%s] %s", AlertTitle(a.Kind), a.Message)
	if a.Cause.Detail != "" && !strings.Contains(a.Message, a.Cause.Detail) {
		s += " (cause: " + a.Cause.Detail + ")"
	}
	return s
}

// alertKinds names the alerts of d: "new hit, hit removed".
func alertKinds(d *record.Decision) string {
	out := make([]string, len(d.Alerts))
	for i := range d.Alerts {
		out[i] = AlertTitle(d.Alerts[i].Kind)
	}
	return strings.Join(out, ", ")
}

// sarifAlerts adds one result per alert of d.
func (s *sarifWriter) sarifAlerts(d *record.Decision, loc []sarifLocation) {
	for i := range d.Alerts {
		a := &d.Alerts[i]
		id := alertRulePrefix + a.Kind
		s.rule(id, RuleDoc{Title: "Alert: " + AlertTitle(a.Kind)}, alertSeverity(a))
		props := map[string]any{"record_id": d.ID, "decision": d.Decision, "previous_decision": a.PreviousDecision,
			"alert": a.Kind, "cause": a.Cause.Change}
		if a.EntityID != "" {
			props["entity_id"] = a.EntityID
		}
		if a.Portfolio != "" {
			props["portfolio"], props["item"] = a.Portfolio, a.Item
		}
		s.results = append(s.results, sarifResult{
			RuleID: id, Level: level(alertSeverity(a)),
			Message:             sarifText{Text: fmt.Sprintf("%s: %s", displayID(d), alertLine(a))},
			Locations:           loc,
			PartialFingerprints: map[string]string{fingerprintKey: alertFingerprint(d, a)},
			Properties:          props,
		})
	}
}

// githubAlerts writes one annotation per alert of d.
func (g *githubWriter) githubAlerts(d *record.Decision) {
	for i := range d.Alerts {
		a := &d.Alerts[i]
		g.annotate(githubLevel(alertSeverity(a)), d, "screen alert: "+AlertTitle(a.Kind), displayID(d)+": "+alertLine(a))
	}
}
