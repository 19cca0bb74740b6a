package mcpserver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
)

// designated is a UN-designated entity of the built-in sample list.
const (
	designated   = "Korea Mining Development Trading Corporation"
	designatedID = "un:KPe.001"
)

// newEngine builds an engine on the built-in sample list.
func newEngine(t *testing.T) *engine.Engine {
	t.Helper()
	eng, err := engine.New(context.Background(), engine.WithBuiltinList())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng
}

// connect serves an MCP server on eng over the SDK's in-memory transport
// and returns a client session of the SDK's own client.
func connect(t testing.TB, get func() *engine.Engine) *mcp.ClientSession {
	t.Helper()
	ctx := context.Background()
	s, err := New(Options{Engine: get, Clock: func() time.Time { return time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	st, ct := mcp.NewInMemoryTransports()
	ss, err := s.Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "v0"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// toolSchemas returns the output schema of every tool as the client sees
// it, resolved for validation.
func toolSchemas(t *testing.T, cs *mcp.ClientSession) map[string]*jsonschema.Resolved {
	t.Helper()
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*jsonschema.Resolved{}
	for _, tool := range res.Tools {
		if tool.OutputSchema == nil {
			t.Errorf("tool %s has no output schema", tool.Name)
			continue
		}
		b, err := json.Marshal(tool.OutputSchema)
		if err != nil {
			t.Fatal(err)
		}
		var s jsonschema.Schema
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatalf("tool %s: output schema: %v", tool.Name, err)
		}
		r, err := s.Resolve(nil)
		if err != nil {
			t.Fatalf("tool %s: resolve output schema: %v", tool.Name, err)
		}
		out[tool.Name] = r
	}
	return out
}

// call calls a tool and checks what every successful result must hold:
// structured content that validates against the tool's advertised output
// schema, and text content holding the same JSON.
func call(t *testing.T, cs *mcp.ClientSession, schemas map[string]*jsonschema.Resolved, tool string, args any) *mcp.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	if res.IsError {
		return res
	}
	if res.StructuredContent == nil {
		t.Fatalf("%s: no structured content", tool)
	}
	if err := schemas[tool].Validate(res.StructuredContent); err != nil {
		t.Errorf("%s: structured content does not validate against the output schema: %v", tool, err)
	}
	want, _ := json.Marshal(res.StructuredContent)
	var found bool
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok && jsonEqual(t, tc.Text, string(want)) {
			found = true
		}
	}
	if !found {
		t.Errorf("%s: no text content holds the structured content's JSON", tool)
	}
	return res
}

// jsonEqual says whether a and b are the same JSON value (false when a is
// not JSON).
func jsonEqual(t *testing.T, a, b string) bool {
	t.Helper()
	var va, vb any
	if json.Unmarshal([]byte(a), &va) != nil || json.Unmarshal([]byte(b), &vb) != nil {
		return false
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return string(ja) == string(jb)
}

// decode converts structured content into v.
func decode(t *testing.T, structured any, v any) {
	t.Helper()
	b, err := json.Marshal(structured)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// errorText is the text of a tool error result.
func errorText(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

func TestToolsListed(t *testing.T) {
	eng := newEngine(t)
	cs := connect(t, func() *engine.Engine { return eng })
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
		if tool.Description == "" || tool.InputSchema == nil || tool.OutputSchema == nil {
			t.Errorf("%s: description, input or output schema missing", tool.Name)
		}
		if a := tool.Annotations; a == nil || !a.ReadOnlyHint || a.DestructiveHint == nil || *a.DestructiveHint {
			t.Errorf("%s: not annotated read-only and non-destructive: %+v", tool.Name, a)
		}
	}
	slices.Sort(names)
	want := []string{ToolExplain, ToolGetEntity, ToolListLists, ToolScreenParty, ToolScreenShipment}
	if !slices.Equal(names, want) {
		t.Errorf("tools %v, want %v", names, want)
	}
	init := cs.InitializeResult()
	if init.ServerInfo.Name != "screen" || init.ServerInfo.Version != engine.Version || !strings.Contains(init.Instructions, "never clear") {
		t.Errorf("initialize result: %+v", init)
	}
}

// TestScreenPartyDesignated is the done-means: a designated party
// screened over MCP is block, citing its list entry.
func TestScreenPartyDesignated(t *testing.T) {
	eng := newEngine(t)
	cs := connect(t, func() *engine.Engine { return eng })
	schemas := toolSchemas(t, cs)
	res := call(t, cs, schemas, ToolScreenParty, map[string]any{"name": designated, "kind": "company", "country": "KP"})
	if res.IsError {
		t.Fatalf("tool error: %s", errorText(res))
	}
	var d record.Decision
	decode(t, res.StructuredContent, &d)
	if d.Decision != record.Block {
		t.Fatalf("decision %q, want block: %+v", d.Decision, d)
	}
	if len(d.Reasons) == 0 || !strings.Contains(d.Reasons[0].Citation, designatedID) {
		t.Errorf("no reason cites %s: %+v", designatedID, d.Reasons)
	}
	if len(d.Matches) == 0 || d.Matches[0].EntityID != designatedID {
		t.Errorf("matches %+v, want %s first", d.Matches, designatedID)
	}
	if d.Source != "mcp" || d.Row != 1 || d.ID != "row-1" || d.Provenance.PolicySHA256 != eng.Policy().SHA256() {
		t.Errorf("id %q source %q row %d provenance %+v", d.ID, d.Source, d.Row, d.Provenance)
	}
	if got := d.Parties; len(got) != 1 || got[0].Kind != record.KindOrganization || got[0].Country != "KP" {
		t.Errorf("parties %+v: the kind and country were not read as a party row reads them", got)
	}
}

// TestScreenTools screens parties and shipments, and checks that input the
// screen cannot use is a tool error naming the argument, never a decision.
func TestScreenTools(t *testing.T) {
	eng := newEngine(t)
	cs := connect(t, func() *engine.Engine { return eng })
	schemas := toolSchemas(t, cs)
	for _, tc := range []struct {
		name     string
		tool     string
		args     map[string]any
		decision string // "" = a tool error
		errHas   string
		cites    string // a reason's citation contains it
	}{
		{name: "clear party", tool: ToolScreenParty, args: map[string]any{"id": "C-1", "name": "Baltic Timber Export OU", "country": "EE"}, decision: record.Clear},
		{name: "vessel by IMO alone", tool: ToolScreenParty, args: map[string]any{"imo": "IMO 7937317"}, decision: record.Block, cites: "ofac:17069"},
		{name: "unknown kind", tool: ToolScreenParty, args: map[string]any{"name": "Acme", "kind": "persn"}, errHas: `argument "kind": unknown kind "persn"`},
		{name: "no country", tool: ToolScreenParty, args: map[string]any{"name": "Acme", "country": "Narnia"}, errHas: `argument "country": unknown country "Narnia"`},
		{name: "nothing to screen", tool: ToolScreenParty, args: map[string]any{"country": "DE"}, errHas: "no name, id_number or imo"},
		{name: "unknown argument", tool: ToolScreenParty, args: map[string]any{"name": "Acme", "nme": "x"}, errHas: "nme"},
		{name: "alumina to the DPRK", tool: ToolScreenShipment, args: map[string]any{
			"id": "SHP-0001", "shipper": "Dandong Xinhe Trading Co. Ltd.", "shipper_country": "CN",
			"consignee": "Pyongyang Sonbong General Trading Corp", "consignee_country": "KP",
			"hs_code": "2818.20", "description": "Aluminium oxide (calcined alumina) powder",
			"origin_country": "CN", "destination_country": "KP", "port_of_loading": "Dandong", "port_of_discharge": "Nampo",
		}, decision: record.Review, cites: "UNSCR 2270 (2016)"},
		{name: "designated consignee", tool: ToolScreenShipment, args: map[string]any{
			"consignee": "Korea Mining Dev. Trading Corp", "consignee_country": "KP", "hs_code": "8479.89",
			"description": "Ore flotation machines", "origin_country": "CN", "destination_country": "KP",
		}, decision: record.Block, cites: designatedID},
		{name: "clear shipment", tool: ToolScreenShipment, args: map[string]any{
			"shipper": "Baltic Timber Export OU", "consignee": "Nordic Pulp & Paper AB", "hs_code": "4403.21",
			"description": "Pine sawlogs", "origin_country": "EE", "destination_country": "SE",
		}, decision: record.Clear},
		{name: "numbers where text is expected", tool: ToolScreenShipment, args: map[string]any{
			"id": 3, "consignee": "Korea Mining Dev. Trading Corp", "hs_code": 8479.89, "quantity": 3, "value": 215000,
			"origin_country": "CN", "destination_country": "KP", "transshipment": []any{"Dalian", "Nampo"},
		}, decision: record.Block, cites: designatedID},
		{name: "vessel IMO as a number", tool: ToolScreenParty, args: map[string]any{"imo": 7937317}, decision: record.Block},
		{name: "a boolean is no text", tool: ToolScreenParty, args: map[string]any{"name": true}, errHas: "name"},
		{name: "shipment with nothing to screen", tool: ToolScreenShipment, args: map[string]any{"origin_country": "CN"}, errHas: "cannot screen"},
		{name: "shipment bad destination", tool: ToolScreenShipment, args: map[string]any{"consignee": "Acme", "destination_country": "Atlantis"}, errHas: `argument "destination_country"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := call(t, cs, schemas, tc.tool, tc.args)
			if tc.decision == "" {
				if !res.IsError || !strings.Contains(errorText(res), tc.errHas) {
					t.Fatalf("want a tool error containing %q; got error=%v %q %v", tc.errHas, res.IsError, errorText(res), res.StructuredContent)
				}
				return
			}
			if res.IsError {
				t.Fatalf("tool error: %s", errorText(res))
			}
			var d record.Decision
			decode(t, res.StructuredContent, &d)
			if d.Decision != tc.decision {
				t.Fatalf("decision %q, want %q: %+v", d.Decision, tc.decision, d.Reasons)
			}
			if id, _ := tc.args["id"].(string); id != "" && d.ID != id {
				t.Errorf("id %q, want %q", d.ID, id)
			}
			if tc.cites != "" && !slices.ContainsFunc(d.Reasons, func(r record.Reason) bool { return strings.Contains(r.Citation, tc.cites) }) {
				t.Errorf("no reason cites %q: %+v", tc.cites, d.Reasons)
			}
			if d.Reasons == nil || d.Matches == nil || d.Goods == nil {
				t.Errorf("reasons, matches or goods null: %+v", d)
			}
		})
	}
}

func TestExplainDecision(t *testing.T) {
	eng := newEngine(t)
	cs := connect(t, func() *engine.Engine { return eng })
	schemas := toolSchemas(t, cs)
	res := call(t, cs, schemas, ToolExplain, map[string]any{"shipment": map[string]any{
		"id": "SHP-0003", "consignee": "Korea Mining Dev. Trading Corp", "consignee_country": "KP",
		"hs_code": "8479.89", "description": "Ore flotation machines", "origin_country": "CN", "destination_country": "KP",
	}})
	if res.IsError {
		t.Fatalf("tool error: %s", errorText(res))
	}
	var x Explanation
	decode(t, res.StructuredContent, &x)
	if x.Decision.Decision != record.Block || x.Decision.ID != "SHP-0003" {
		t.Fatalf("decision %+v", x.Decision)
	}
	if len(x.Reasons) != len(x.Decision.Reasons) || len(x.Matches) != len(x.Decision.Matches) {
		t.Fatalf("%d reasons and %d matches explained for %d and %d", len(x.Reasons), len(x.Matches), len(x.Decision.Reasons), len(x.Decision.Matches))
	}
	if !strings.HasPrefix(x.Summary, "block: ") || !strings.Contains(x.Summary, designatedID) {
		t.Errorf("summary %q", x.Summary)
	}
	var sawMatchEvidence bool
	for i, r := range x.Reasons {
		if r.Description == "" || r.Citation == "" || r.Citation != x.Decision.Reasons[i].Citation {
			t.Errorf("reason %s: description %q citation %q", r.Rule, r.Description, r.Citation)
		}
		if len(r.Evidence) != len(x.Decision.Reasons[i].Evidence) {
			t.Errorf("reason %s: %d evidence items for %d pointers", r.Rule, len(r.Evidence), len(x.Decision.Reasons[i].Evidence))
		}
		for _, ev := range r.Evidence {
			if ev.Value == nil {
				t.Errorf("reason %s: evidence %s resolves to nothing", r.Rule, ev.Pointer)
			}
			if m, ok := ev.Value.(map[string]any); ok && strings.HasPrefix(ev.Pointer, "matches[") && m["entity_id"] == designatedID {
				sawMatchEvidence = true
			}
		}
	}
	if !sawMatchEvidence {
		t.Errorf("no reason cites the match of %s as evidence: %+v", designatedID, x.Reasons)
	}
	m := x.Matches[0]
	if m.Pointer != "matches[0]" || m.EntityID != designatedID || m.Entity == nil || m.Entity.ID != designatedID || len(m.Features) == 0 || m.Explanation == "" {
		t.Errorf("match explanation %+v", m)
	}
	text := errorText(res)
	for _, want := range []string{"citation: ", "feature name", designatedID} {
		if !strings.Contains(text, want) {
			t.Errorf("text content lacks %q:\n%s", want, text)
		}
	}

	// A clear party is explained too; neither or both of party and
	// shipment is a tool error.
	res = call(t, cs, schemas, ToolExplain, map[string]any{"party": map[string]any{"name": "Baltic Timber Export OU"}})
	decode(t, res.StructuredContent, &x)
	if x.Decision.Decision != record.Clear || !strings.HasPrefix(x.Summary, "clear: ") || len(x.Reasons) != 0 {
		t.Errorf("clear explanation %+v", x)
	}
	for _, args := range []map[string]any{{}, {"party": map[string]any{"name": "a"}, "shipment": map[string]any{"consignee": "b"}}} {
		res := call(t, cs, schemas, ToolExplain, args)
		if !res.IsError || !strings.Contains(errorText(res), "exactly one of party and shipment") {
			t.Errorf("%v: want a tool error, got %q", args, errorText(res))
		}
	}
}

func TestGetEntityAndLists(t *testing.T) {
	eng := newEngine(t)
	cs := connect(t, func() *engine.Engine { return eng })
	schemas := toolSchemas(t, cs)

	res := call(t, cs, schemas, ToolGetEntity, map[string]any{"id": designatedID})
	if res.IsError {
		t.Fatalf("tool error: %s", errorText(res))
	}
	var e entity.Entity
	decode(t, res.StructuredContent, &e)
	if e.ID != designatedID || !strings.EqualFold(e.Name, designated) || len(e.Programs) == 0 {
		t.Errorf("entity %+v", e)
	}
	for _, args := range []map[string]any{{"id": "un:NOPE"}, {}} {
		res := call(t, cs, schemas, ToolGetEntity, args)
		if !res.IsError {
			t.Errorf("%v: want a tool error, got %v", args, res.StructuredContent)
		}
	}

	res = call(t, cs, schemas, ToolListLists, map[string]any{})
	var lists ListsOutput
	decode(t, res.StructuredContent, &lists)
	if len(lists.Lists) != 1 {
		t.Fatalf("lists %+v", lists)
	}
	l := lists.Lists[0]
	want := eng.Lists()[0]
	if l.Name != want.Name || l.Version != want.Version || !l.Builtin || l.Entities == 0 || l.AgeDays == nil {
		t.Errorf("list %+v, engine says %+v", l, want)
	}
	if lists.Provenance.Lists[l.Name] != l.Version || lists.Provenance.PolicySHA256 != eng.Policy().SHA256() {
		t.Errorf("provenance %+v", lists.Provenance)
	}
}

// TestNotReadyAndClosed: before the engine loads and after it closes, the
// tools answer tool errors, never a decision.
func TestNotReadyAndClosed(t *testing.T) {
	var cur *engine.Engine
	cs := connect(t, func() *engine.Engine { return cur })
	schemas := toolSchemas(t, cs)
	for _, tool := range []string{ToolScreenParty, ToolExplain, ToolGetEntity, ToolListLists} {
		args := map[string]any{"name": designated, "id": designatedID}
		switch tool {
		case ToolExplain:
			args = map[string]any{"party": map[string]any{"name": designated}}
		case ToolListLists:
			args = map[string]any{}
		case ToolGetEntity:
			args = map[string]any{"id": designatedID}
		}
		res := call(t, cs, schemas, tool, args)
		if !res.IsError || !strings.Contains(errorText(res), "not ready") {
			t.Errorf("%s before the engine: %v %q", tool, res.IsError, errorText(res))
		}
	}
	eng, err := engine.New(context.Background(), engine.WithBuiltinList())
	if err != nil {
		t.Fatal(err)
	}
	cur = eng
	eng.Close()
	res := call(t, cs, schemas, ToolScreenParty, map[string]any{"name": designated})
	if !res.IsError || !strings.Contains(errorText(res), "shutting down") {
		t.Errorf("after Close: %v %q %v", res.IsError, errorText(res), res.StructuredContent)
	}
}

// TestUndecidedIsErrorDecision: a record the engine cannot decide (here:
// its matching budget runs out) is the decision "error" as a result, the
// record the CLI would write, never a tool error and never clear.
func TestUndecidedIsErrorDecision(t *testing.T) {
	eng, err := engine.New(context.Background(), engine.WithBuiltinList(), engine.WithMatchTimeout(time.Nanosecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	cs := connect(t, func() *engine.Engine { return eng })
	schemas := toolSchemas(t, cs)
	res := call(t, cs, schemas, ToolScreenParty, map[string]any{"name": designated})
	if res.IsError {
		t.Fatalf("tool error: %s", errorText(res))
	}
	var d record.Decision
	decode(t, res.StructuredContent, &d)
	if d.Decision != record.Error || d.Error == "" {
		t.Fatalf("decision %q (%q), want error", d.Decision, d.Error)
	}
	res = call(t, cs, schemas, ToolExplain, map[string]any{"party": map[string]any{"name": designated}})
	var x Explanation
	decode(t, res.StructuredContent, &x)
	if x.Decision.Decision != record.Error || !strings.Contains(x.Summary, "never clear") {
		t.Errorf("explanation of an error decision: %q", x.Summary)
	}
}

// TestProtocolErrors: an unknown tool is a JSON-RPC error, arguments that
// are no object an error too (the SDK answers it as a tool error), and the
// session goes on.
func TestProtocolErrors(t *testing.T) {
	eng := newEngine(t)
	cs := connect(t, func() *engine.Engine { return eng })
	ctx := context.Background()
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "no_such_tool", Arguments: map[string]any{}}); err == nil {
		t.Error("unknown tool: no error")
	}
	if res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: ToolScreenParty, Arguments: []int{1}}); err == nil && !res.IsError {
		t.Errorf("arguments that are no object: %v", res.StructuredContent)
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: ToolScreenParty, Arguments: map[string]any{"name": designated}})
	if err != nil || res.IsError {
		t.Fatalf("the session did not go on: %v %v", err, res)
	}
}

func TestNewNeedsEngine(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Error("New without Options.Engine: no error")
	}
}

func TestServeStdioEndsOnEOF(t *testing.T) {
	eng := newEngine(t)
	s, err := New(Options{Engine: func() *engine.Engine { return eng }})
	if err != nil {
		t.Fatal(err)
	}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- ServeStdio(context.Background(), s, inR, outW) }()
	go io.WriteString(inW, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}`+"\n")
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil || !strings.Contains(line, `"serverInfo"`) {
		t.Fatalf("initialize answer %q, %v", line, err)
	}
	inW.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("ServeStdio: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("ServeStdio did not return at the end of its input")
	}
}

func TestListAge(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		version string
		days    float64
		ok      bool
	}{
		{"2026-11-01", 21.5, true},
		{"2026-11-01T00:00:00Z", 21.5, true},
		{"2027-01-01", 0, true},
		{"v3", 0, false},
		{"20261101xx", 0, false},
	} {
		age, ok := listAge(tc.version, now)
		if ok != tc.ok || age.Hours()/24 != tc.days {
			t.Errorf("listAge(%q) = %v, %v; want %v days, %v", tc.version, age, ok, tc.days, tc.ok)
		}
	}
}

func TestArgumentMessage(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`mcp row 1 (element 1 at offset 1), column "kind": unknown kind "persn"`, `argument "kind": unknown kind "persn"`},
		{`mcp row 1 (element 1 at offset 1): an object with no values`, `an object with no values`},
		{`mcp: first object: no known column`, `mcp: first object: no known column`},
		{`mcp row 1 (unterminated`, `mcp row 1 (unterminated`},
		{`something else`, `something else`},
	} {
		if got := argumentMessage(tc.in); got != tc.want {
			t.Errorf("argumentMessage(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestLogs: a failed call is logged by tool and class only (never the
// arguments), the client's own bad input at debug level, and the SDK's
// per-session info lines not at all.
func TestLogs(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	var cur *engine.Engine
	s, err := New(Options{Engine: func() *engine.Engine { return cur }, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	st, ct := mcp.NewInMemoryTransports()
	ss, err := s.Connect(context.Background(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "v0"}, nil).Connect(context.Background(), ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	call := func(args map[string]any) {
		t.Helper()
		res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: ToolScreenParty, Arguments: args})
		if err != nil || !res.IsError {
			t.Fatalf("want a tool error: %v %v", err, res)
		}
	}
	call(map[string]any{"name": designated}) // not ready: a warning
	cur = newEngine(t)
	call(map[string]any{"name": designated, "kind": "persn"}) // the client's input: debug
	logs := buf.String()
	if !strings.Contains(logs, `"msg":"mcp tool call failed","tool":"screen_party","class":"not_ready"`) {
		t.Errorf("no warning for the call before the engine:\n%s", logs)
	}
	for _, unwanted := range []string{"Korea", "persn", `"class":"input"`, "session connected"} {
		if strings.Contains(logs, unwanted) {
			t.Errorf("logs hold %q:\n%s", unwanted, logs)
		}
	}
}
