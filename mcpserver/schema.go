package mcpserver

import (
	"fmt"
	"reflect"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
)

// schemas are the input and output schemas of the tools. They are derived
// from the Go types the tools take and return (so they cannot drift from
// them) and then tightened where the types say less than the contract:
// the outcome and severity vocabularies, and reasons, matches and goods
// that are always arrays.
type schemas struct {
	party, shipment, explainIn, entityIn, listsIn *jsonschema.Schema
	decision, explanation, entity, lists          *jsonschema.Schema
}

// decisionDocs describes the decision record's top-level members.
func decisionDocs() map[string]string {
	return map[string]string{
		"id":         "the record's id: the id argument, else row-1",
		"source":     `where the record came from: "mcp"`,
		"row":        "the record's row: 1",
		"decision":   "clear, review, block or error (error is never clear: the record could not be decided)",
		"reasons":    "the policy rules that fired: rule, severity, title, message, citation and evidence pointers into this record",
		"matches":    "list entities found for the record's parties at or above the policy's match floor, best first, with score, per-feature explanation and programs",
		"goods":      "each goods line's UN measure categories; a category whose details entry has context=true is context, not a finding",
		"parties":    "the screened parties; evidence pointers parties[i] point here",
		"route":      "the route as given; evidence pointers route.<field> point here",
		"fields":     "the input row (column and value); evidence pointers fields[i] point here",
		"truncated":  "what input was cut to the screening limits (a cut record is never clear)",
		"provenance": "what the decision was made with: list versions, policy bundle sha256 and engine version",
		"error":      "why the decision is error",
	}
}

func newSchemas() (*schemas, error) {
	var s schemas
	var err error
	in := func(dst **jsonschema.Schema, f func() (*jsonschema.Schema, error)) {
		if err == nil {
			*dst, err = f()
		}
	}
	text := &jsonschema.ForOptions{TypeSchemas: map[reflect.Type]*jsonschema.Schema{
		reflect.TypeFor[Text]():     {Types: []string{"string", "number"}},
		reflect.TypeFor[TextList](): {Types: []string{"string", "array"}, Items: &jsonschema.Schema{Types: []string{"string", "number"}}},
	}}
	in(&s.party, func() (*jsonschema.Schema, error) { return jsonschema.For[PartyInput](text) })
	in(&s.shipment, func() (*jsonschema.Schema, error) { return jsonschema.For[ShipmentInput](text) })
	in(&s.explainIn, func() (*jsonschema.Schema, error) { return jsonschema.For[ExplainInput](text) })
	in(&s.entityIn, func() (*jsonschema.Schema, error) { return jsonschema.For[EntityInput](nil) })
	in(&s.listsIn, func() (*jsonschema.Schema, error) { return jsonschema.For[ListsInput](nil) })
	in(&s.decision, func() (*jsonschema.Schema, error) { return jsonschema.For[record.Decision](nil) })
	in(&s.explanation, func() (*jsonschema.Schema, error) { return jsonschema.For[Explanation](nil) })
	in(&s.entity, func() (*jsonschema.Schema, error) { return jsonschema.For[entity.Entity](nil) })
	in(&s.lists, func() (*jsonschema.Schema, error) { return jsonschema.For[ListsOutput](nil) })
	if err != nil {
		return nil, fmt.Errorf("derive the tool schemas: %w", err)
	}
	if err := tightenDecision(s.decision); err != nil {
		return nil, err
	}
	s.decision.Description = "The decision record: the JSON that `screen scan -f jsonl` writes for the same row and POST /v1/screen answers."
	if err := tightenDecision(s.explanation.Properties["decision"]); err != nil {
		return nil, fmt.Errorf("explanation: %w", err)
	}
	// party and shipment are objects when given (the Go pointers would
	// also admit null).
	for _, name := range []string{"party", "shipment"} {
		p := s.explainIn.Properties[name]
		p.Type, p.Types = "object", nil
	}
	explained := s.explanation.Properties["reasons"].Items.Properties["severity"]
	explained.Enum = []any{record.Review, record.Block}
	return &s, nil
}

// tightenDecision adds to the schema derived from record.Decision what the
// Go types cannot say: the outcome vocabularies, and reasons, matches and
// goods that are always arrays (the CLI writes [] when empty, never null).
func tightenDecision(d *jsonschema.Schema) error {
	if d == nil || d.Properties == nil {
		return fmt.Errorf("no decision schema to tighten")
	}
	for name, doc := range decisionDocs() {
		p, ok := d.Properties[name]
		if !ok {
			return fmt.Errorf("decision schema has no property %q", name)
		}
		p.Description = doc
	}
	d.Properties["decision"].Enum = []any{record.Clear, record.Review, record.Block, record.Error}
	for _, name := range []string{"reasons", "matches", "goods"} {
		p := d.Properties[name]
		p.Type, p.Types = "array", nil
	}
	reason := d.Properties["reasons"].Items
	if reason == nil || reason.Properties["severity"] == nil {
		return fmt.Errorf("decision schema: reasons have no severity")
	}
	reason.Properties["severity"].Enum = []any{record.Review, record.Block}
	return nil
}
