package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/policies"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/report"
)

// ExplainInput is the arguments of explain_decision: exactly one of a
// party and a shipment, as screen_party and screen_shipment take them.
type ExplainInput struct {
	Party    *PartyInput    `json:"party,omitempty" jsonschema:"the party to screen and explain (the arguments of screen_party); give this or shipment"`
	Shipment *ShipmentInput `json:"shipment,omitempty" jsonschema:"the shipment to screen and explain (the arguments of screen_shipment); give this or party"`
}

// EntityInput is the arguments of get_entity.
type EntityInput struct {
	ID string `json:"id" jsonschema:"the entity id, source-prefixed as in a decision's matches[].entity_id: un:KPe.001, ofac:12345, eu:..., uk:..., os:..., own:..."`
}

// ListsInput is the arguments of list_lists: none.
type ListsInput struct{}

// Explanation is the structured output of explain_decision.
type Explanation struct {
	// Decision is the decision record, as screen_party and screen_shipment
	// return it.
	Decision record.Decision `json:"decision" jsonschema:"the decision record, exactly as screen_party or screen_shipment return it"`
	// Summary says the outcome and why in one paragraph.
	Summary string `json:"summary" jsonschema:"the outcome and why, in one paragraph"`
	// Reasons explains each reason of the decision, in its order.
	Reasons []ReasonExplanation `json:"reasons" jsonschema:"each reason of the decision, in order, with its rule's description and the evidence it cites"`
	// Matches explains each match of the decision, in its order.
	Matches []MatchExplanation `json:"matches" jsonschema:"each match of the decision, in order, with how its score was reached and the listed entity"`
}

// ReasonExplanation is one reason with its rule's METADATA and the evidence
// it cites, resolved in the decision.
type ReasonExplanation struct {
	Rule     string `json:"rule" jsonschema:"the rule id"`
	Severity string `json:"severity" jsonschema:"block or review"`
	Title    string `json:"title" jsonschema:"the rule's title"`
	Message  string `json:"message" jsonschema:"what the rule found in this record"`
	Citation string `json:"citation,omitempty" jsonschema:"the legal basis: the list entry or the resolution paragraph"`
	// Description and RelatedResources come from the rule's METADATA.
	Description      string     `json:"description,omitempty" jsonschema:"what the rule finds and why (its METADATA)"`
	RelatedResources []string   `json:"related_resources,omitempty" jsonschema:"the resolution or list the rule applies (its METADATA)"`
	Evidence         []Evidence `json:"evidence" jsonschema:"the parts of the decision the reason cites"`
}

// Evidence is one evidence pointer of a reason and what it points at.
type Evidence struct {
	Pointer string `json:"pointer" jsonschema:"the evidence pointer, such as matches[0], parties[1], goods[0].categories[1], route.destination_country"`
	Value   any    `json:"value" jsonschema:"the value the pointer designates in the decision record"`
}

// MatchExplanation is one match with its score features and the listed
// entity it found.
type MatchExplanation struct {
	Pointer     string           `json:"pointer" jsonschema:"the match as evidence pointers name it: matches[i]"`
	Role        string           `json:"role" jsonschema:"the role of the matched party"`
	Query       string           `json:"query" jsonschema:"the party's name as screened"`
	EntityID    string           `json:"entity_id" jsonschema:"the listed entity's id (see get_entity)"`
	Name        string           `json:"name" jsonschema:"the listed entity's primary name"`
	MatchedName string           `json:"matched_name" jsonschema:"the listed name (primary or alias) that matched"`
	Score       float64          `json:"score" jsonschema:"the match score, 0 to 1"`
	NameScore   float64          `json:"name_score" jsonschema:"the score of the names alone, before date of birth, country, kind and identifiers"`
	Explanation string           `json:"explanation" jsonschema:"how the names were aligned, token by token"`
	Features    []record.Feature `json:"features,omitempty" jsonschema:"each contribution to the score"`
	Conflicts   []string         `json:"conflicts,omitempty" jsonschema:"qualifiers that contradict the match"`
	IDMatch     string           `json:"id_match,omitempty" jsonschema:"the identifier that matched"`
	Entity      *entity.Entity   `json:"entity,omitempty" jsonschema:"the listed entity (absent when the lists were reloaded since)"`
}

// ListsOutput is the structured output of list_lists.
type ListsOutput struct {
	Lists      []ListInfo        `json:"lists" jsonschema:"the loaded lists"`
	Provenance record.Provenance `json:"provenance" jsonschema:"what decisions are made with now: list versions, policy bundle sha256, engine version"`
}

// ListInfo describes one loaded list, as GET /v1/lists does.
type ListInfo struct {
	Name     string              `json:"name" jsonschema:"the short list name used in entity ids and provenance: un, ofac, eu, uk, ..."`
	Title    string              `json:"title,omitempty" jsonschema:"the list's human name"`
	Version  string              `json:"version" jsonschema:"the publication date or version of the source"`
	Files    []entity.FileDigest `json:"files,omitempty" jsonschema:"the source files read, with their sha256 digests"`
	Counts   map[entity.Kind]int `json:"counts,omitempty" jsonschema:"entities by kind"`
	Builtin  bool                `json:"builtin,omitempty" jsonschema:"true for the sample list embedded in the binary (not the full lists)"`
	Entities int                 `json:"entities" jsonschema:"the number of entities"`
	AgeDays  *float64            `json:"age_days,omitempty" jsonschema:"days since the version date; absent when the version is not a date"`
}

// tools holds the tool handlers.
type tools struct{ opts Options }

func boolPtr(b bool) *bool { return &b }

// register adds the tools to s.
func (t *tools) register(s *mcp.Server, sch *schemas) {
	ro := func(title string) *mcp.ToolAnnotations {
		return &mcp.ToolAnnotations{Title: title, ReadOnlyHint: true, IdempotentHint: true,
			DestructiveHint: boolPtr(false), OpenWorldHint: boolPtr(false)}
	}
	mcp.AddTool(s, &mcp.Tool{
		Name:  ToolScreenParty,
		Title: "Screen a party",
		Description: "Screen one person, company, vessel or aircraft against the loaded sanctions lists. " +
			"Returns the decision record (decision clear, review, block or error, with reasons, citations and matches), " +
			"the same JSON `screen scan` writes for a party row. Give a name, an id_number or an imo; kind, country and dob sharpen the match.",
		InputSchema: sch.party, OutputSchema: sch.decision, Annotations: ro("Screen a party"),
	}, t.screenParty)
	mcp.AddTool(s, &mcp.Tool{
		Name:  ToolScreenShipment,
		Title: "Screen a shipment",
		Description: "Screen one shipment record: every party by role (shipper, consignee, notify party, buyer, seller, manufacturer, carrier, vessel) " +
			"against the sanctions lists, and the goods (HS code, description) and route against the UN DPRK trade measures. " +
			"Returns the decision record, the same JSON `screen scan` writes for a shipment row.",
		InputSchema: sch.shipment, OutputSchema: sch.decision, Annotations: ro("Screen a shipment"),
	}, t.screenShipment)
	mcp.AddTool(s, &mcp.Tool{
		Name:  ToolExplain,
		Title: "Explain a decision",
		Description: "Screen a party or a shipment (give exactly one) and explain the decision: each reason with its rule's description, " +
			"citation, related resources and the evidence it cites; each match with its score features and the listed entity. " +
			"The text content is the CLI's explained table.",
		InputSchema: sch.explainIn, OutputSchema: sch.explanation, Annotations: ro("Explain a decision"),
	}, t.explain)
	mcp.AddTool(s, &mcp.Tool{
		Name:        ToolGetEntity,
		Title:       "Get a listed entity",
		Description: "Read a sanctions-list entity by its id (a decision's matches[].entity_id): names and aliases, kind, birth dates, countries, identifiers, addresses, programs, listing date, remarks and links.",
		InputSchema: sch.entityIn, OutputSchema: sch.entity, Annotations: ro("Get a listed entity"),
	}, t.getEntity)
	mcp.AddTool(s, &mcp.Tool{
		Name:        ToolListLists,
		Title:       "List the loaded lists",
		Description: "The sanctions lists loaded, with their versions, entity counts, source files and age, and the provenance every decision carries now.",
		InputSchema: sch.listsIn, OutputSchema: sch.lists, Annotations: ro("List the loaded lists"),
	}, t.listLists)
}

// engine returns the engine in use, or ErrNotReady.
func (t *tools) engine() (*engine.Engine, error) {
	eng := t.opts.Engine()
	if eng == nil || len(eng.Lists()) == 0 || eng.Policy() == nil {
		return nil, ErrNotReady
	}
	return eng, nil
}

// fail logs a failed tool call by tool and class (never the arguments or
// the message, which may quote names) and returns err for the SDK to
// answer as a tool error.
func (t *tools) fail(ctx context.Context, tool string, err error) error {
	class := "internal"
	var ie *InputError
	switch {
	case errors.As(err, &ie):
		class = "input"
	case errors.Is(err, ErrNotReady):
		class = "not_ready"
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		class = "timeout"
	case errors.Is(err, errNotFound):
		class = "not_found"
	}
	level := slog.LevelWarn
	if class == "input" || class == "not_found" {
		level = slog.LevelDebug // the client's own input, as the HTTP API
	}
	t.opts.Logger.Log(ctx, level, "mcp tool call failed", "tool", tool, "class", class)
	return err
}

// errNotFound marks a lookup that found nothing.
var errNotFound = errors.New("not found")

// screen screens rec with eng within the call's time budget and returns
// the decision as the CLI's JSON reports write it. A record the engine
// cannot decide (a policy error, its matching budget, input it refuses)
// is the decision "error", returned as a result as the CLI writes it; a
// closed engine and a call out of time are errors.
func (t *tools) screen(ctx context.Context, eng *engine.Engine, rec record.Record) (record.Decision, error) {
	ctx, cancel := context.WithTimeout(ctx, t.opts.Timeout)
	defer cancel()
	d, err := eng.Screen(ctx, rec)
	switch {
	case err == nil:
	case errors.Is(err, engine.ErrClosed):
		return record.Decision{}, fmt.Errorf("the engine is shutting down: %w", ErrNotReady)
	case ctx.Err() != nil:
		return record.Decision{}, fmt.Errorf("screening stopped after %s: %w", t.opts.Timeout, ctx.Err())
	case d.Decision != record.Error:
		// Screen answers every other failure with the decision "error";
		// anything else would be a bug, and is never passed on as clear.
		return record.Decision{}, fmt.Errorf("screen: %w", err)
	}
	return cliDecision(d), nil
}

// cliDecision returns d as the CLI's json and jsonl reports write it:
// goods categories that no reason used marked as context, and empty
// reasons, matches and goods as [] rather than null.
func cliDecision(d record.Decision) record.Decision {
	report.MarkContext(&d)
	d.FillEmptyLists()
	return d
}

// screenRow reads a row as `screen scan` would and screens it.
func (t *tools) screenRow(ctx context.Context, ms []member) (*engine.Engine, record.Decision, error) {
	eng, err := t.engine()
	if err != nil {
		return nil, record.Decision{}, err
	}
	rec, err := readRow(ms)
	if err != nil {
		return nil, record.Decision{}, err
	}
	d, err := t.screen(ctx, eng, rec)
	return eng, d, err
}

func (t *tools) screenParty(ctx context.Context, _ *mcp.CallToolRequest, in PartyInput) (*mcp.CallToolResult, record.Decision, error) {
	return t.screenTool(ctx, ToolScreenParty, in.row())
}

func (t *tools) screenShipment(ctx context.Context, _ *mcp.CallToolRequest, in ShipmentInput) (*mcp.CallToolResult, record.Decision, error) {
	return t.screenTool(ctx, ToolScreenShipment, in.row())
}

// screenTool screens a row for a screening tool: the structured output is
// the decision record, the text content the line `screen scan -f jsonl`
// writes for it, byte for byte.
func (t *tools) screenTool(ctx context.Context, tool string, ms []member) (*mcp.CallToolResult, record.Decision, error) {
	_, d, err := t.screenRow(ctx, ms)
	if err != nil {
		return nil, record.Decision{}, t.fail(ctx, tool, err)
	}
	line, err := jsonLine(&d)
	if err != nil {
		return nil, record.Decision{}, t.fail(ctx, tool, err)
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: line}}}, d, nil
}

// jsonLine is d as the CLI's jsonl report writes it, without the newline.
func jsonLine(d *record.Decision) (string, error) {
	var buf bytes.Buffer
	w, err := report.New("jsonl", &buf, report.RunInfo{}, report.Options{})
	if err != nil {
		return "", fmt.Errorf("encode the decision: %w", err)
	}
	if err := w.Write(d); err != nil {
		return "", fmt.Errorf("encode the decision: %w", err)
	}
	if err := w.Close(); err != nil {
		return "", fmt.Errorf("encode the decision: %w", err)
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

func (t *tools) explain(ctx context.Context, _ *mcp.CallToolRequest, in ExplainInput) (*mcp.CallToolResult, Explanation, error) {
	var ms []member
	switch {
	case in.Party != nil && in.Shipment != nil, in.Party == nil && in.Shipment == nil:
		return nil, Explanation{}, t.fail(ctx, ToolExplain, &InputError{Msg: "give exactly one of party and shipment"})
	case in.Party != nil:
		ms = in.Party.row()
	default:
		ms = in.Shipment.row()
	}
	eng, d, err := t.screenRow(ctx, ms)
	if err != nil {
		return nil, Explanation{}, t.fail(ctx, ToolExplain, err)
	}
	x, err := explainDecision(eng, d)
	if err != nil {
		return nil, Explanation{}, t.fail(ctx, ToolExplain, err)
	}
	text, err := explainedTable(eng, d)
	if err != nil {
		return nil, Explanation{}, t.fail(ctx, ToolExplain, err)
	}
	js, err := json.Marshal(x)
	if err != nil {
		return nil, Explanation{}, t.fail(ctx, ToolExplain, fmt.Errorf("encode the explanation: %w", err))
	}
	// The CLI's explained table for people, then the JSON for clients that
	// read text content only.
	res := &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}, &mcp.TextContent{Text: string(js)}}}
	return res, x, nil
}

// explainDecision builds the explanation of d with eng's rule catalog and
// lists.
func explainDecision(eng *engine.Engine, d record.Decision) (Explanation, error) {
	rules := map[string]policies.Rule{}
	for _, r := range eng.Policy().Rules() {
		rules[r.ID] = r
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return Explanation{}, fmt.Errorf("encode the decision: %w", err)
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return Explanation{}, fmt.Errorf("decode the decision: %w", err)
	}
	x := Explanation{Decision: d, Summary: summary(d), Reasons: []ReasonExplanation{}, Matches: []MatchExplanation{}}
	for _, r := range d.Reasons {
		re := ReasonExplanation{Rule: r.Rule, Severity: r.Severity, Title: r.Title, Message: r.Message,
			Citation: r.Citation, Evidence: []Evidence{}}
		if rule, ok := rules[r.Rule]; ok {
			re.Description, re.RelatedResources = rule.Description, rule.Resources
		}
		for _, ev := range r.Evidence {
			e := Evidence{Pointer: ev}
			if p, err := record.ParsePointer(ev); err == nil {
				e.Value, _ = record.ResolveJSON(doc, p)
			}
			re.Evidence = append(re.Evidence, e)
		}
		x.Reasons = append(x.Reasons, re)
	}
	for i, m := range d.Matches {
		me := MatchExplanation{Pointer: record.Item("matches", i).String(), Role: m.Role, Query: m.Query,
			EntityID: m.EntityID, Name: m.Name, MatchedName: m.MatchedName, Score: m.Score, NameScore: m.NameScore,
			Explanation: m.Explanation, Features: m.Features, Conflicts: m.Conflicts, IDMatch: m.IDMatch}
		if e, ok := eng.Entity(m.EntityID); ok {
			c := *e
			me.Entity = &c
		}
		x.Matches = append(x.Matches, me)
	}
	return x, nil
}

// summary says d's outcome and why in one paragraph.
func summary(d record.Decision) string {
	var b strings.Builder
	switch d.Decision {
	case record.Clear:
		fmt.Fprintf(&b, "clear: no rule fired against the loaded lists (%s)", listVersions(d.Provenance))
		if n := len(d.Matches); n > 0 {
			fmt.Fprintf(&b, "; %d match(es) below the review line", n)
		}
		b.WriteString(".")
	case record.Error:
		fmt.Fprintf(&b, "error: %s. A record that could not be decided is never clear: correct the input or decide by hand.", d.Error)
	default:
		fmt.Fprintf(&b, "%s: ", d.Decision)
		for i, r := range d.Reasons {
			if i > 0 {
				b.WriteString("; ")
			}
			fmt.Fprintf(&b, "%s [%s] %s", r.Rule, r.Severity, r.Message)
			if r.Citation != "" {
				fmt.Fprintf(&b, " (%s)", r.Citation)
			}
		}
		b.WriteString(".")
	}
	return b.String()
}

// listVersions is "builtin 2026-02-27, un 2026-11-01": the lists of p by
// name.
func listVersions(p record.Provenance) string {
	names := make([]string, 0, len(p.Lists))
	for n := range p.Lists {
		names = append(names, n)
	}
	sort.Strings(names)
	for i, n := range names {
		names[i] = n + " " + p.Lists[n]
	}
	return strings.Join(names, ", ")
}

// explainedTable renders d as `screen check --explain` does.
func explainedTable(eng *engine.Engine, d record.Decision) (string, error) {
	var buf bytes.Buffer
	info := report.RunInfo{Lists: eng.Lists(), PolicySHA256: eng.Policy().SHA256()}
	w, err := report.New("table", &buf, info, report.Options{Explain: true})
	if err != nil {
		return "", fmt.Errorf("explain table: %w", err)
	}
	if err := w.Write(&d); err != nil {
		return "", fmt.Errorf("explain table: %w", err)
	}
	if err := w.Close(); err != nil {
		return "", fmt.Errorf("explain table: %w", err)
	}
	return buf.String(), nil
}

func (t *tools) getEntity(ctx context.Context, _ *mcp.CallToolRequest, in EntityInput) (*mcp.CallToolResult, entity.Entity, error) {
	eng, err := t.engine()
	if err != nil {
		return nil, entity.Entity{}, t.fail(ctx, ToolGetEntity, err)
	}
	id := strings.TrimSpace(in.ID)
	e, ok := eng.Entity(id)
	if !ok {
		return nil, entity.Entity{}, t.fail(ctx, ToolGetEntity,
			fmt.Errorf("no listed entity has id %q (ids are source-prefixed, as in a decision's matches[].entity_id: un:KPe.001, ofac:12345): %w", id, errNotFound))
	}
	return nil, *e, nil
}

func (t *tools) listLists(ctx context.Context, _ *mcp.CallToolRequest, _ ListsInput) (*mcp.CallToolResult, ListsOutput, error) {
	eng, err := t.engine()
	if err != nil {
		return nil, ListsOutput{}, t.fail(ctx, ToolListLists, err)
	}
	now := t.opts.Clock()
	out := ListsOutput{Lists: []ListInfo{}, Provenance: eng.Provenance()}
	for _, m := range eng.Lists() {
		li := ListInfo{Name: m.Name, Title: m.Title, Version: m.Version, Files: m.Files, Counts: m.Counts, Builtin: m.Builtin}
		for _, n := range m.Counts {
			li.Entities += n
		}
		if age, ok := listAge(m.Version, now); ok {
			days := float64(int64(age.Hours()/24*10)) / 10
			li.AgeDays = &days
		}
		out.Lists = append(out.Lists, li)
	}
	return nil, out, nil
}

// listAge is the age of a list whose version starts with a date
// ("2026-11-01", "2026-11-01T10:00:00Z"), or false.
func listAge(version string, now time.Time) (time.Duration, bool) {
	if len(version) < 10 {
		return 0, false
	}
	t, err := time.Parse("2006-01-02", version[:10])
	if err != nil {
		return 0, false
	}
	return max(now.Sub(t), 0), true
}
