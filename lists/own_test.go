package lists

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/entity"
)

func TestOwnFormatsAgree(t *testing.T) {
	ctx := context.Background()
	js, err := Load(ctx, fixture(t, "own/watchlist.json"), "")
	if err != nil {
		t.Fatal(err)
	}
	ym, err := Load(ctx, fixture(t, "own/watchlist.yaml"), "")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := Load(ctx, fixture(t, "own/watchlist.csv"), "")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(js.Entities, ym.Entities) {
		t.Errorf("JSON and YAML differ:\n%+v\n%+v", js.Entities, ym.Entities)
	}
	if js.Meta.Name != "acme" || js.Meta.Version != "2026-03-01" || ym.Meta.Title != "ACME internal watchlist" {
		t.Errorf("meta json %+v yaml %+v", js.Meta, ym.Meta)
	}
	if cs.Meta.Name != "own" || !strings.HasPrefix(cs.Meta.Version, "sha256:") {
		t.Errorf("csv meta = %+v", cs.Meta)
	}
	m := byID(js)
	c := m["own:C-001"]
	if c == nil || c.List != "acme" || c.Kind != entity.KindOrganization || !hasCountry(c, "HK", entity.RoleAddress) {
		t.Fatalf("own:C-001 = %+v", c)
	}
	if a := hasAlias(c, "旭日测试贸易有限公司"); a == nil || a.Script != "Han" || a.Strength != entity.StrengthStrong {
		t.Errorf("Han alias = %+v (strength should default to strong, script be detected)", a)
	}
	p := m["own:P-002"]
	if a := hasAlias(p, "정테희"); a == nil || a.Script != "Hangul" {
		t.Errorf("Hangul alias = %+v", a)
	}
	if p.Gender != "female" || !reflect.DeepEqual(p.BirthDates, []entity.Date{"1981-07", "1979/1982"}) || !hasCountry(p, "KP", entity.RoleNationality) {
		t.Errorf("own:P-002 = %+v", p)
	}
	v := m["own:V-003"]
	if v.Kind != entity.KindVessel || !hasID(v, entity.IDIMO, "9187629") || !hasCountry(v, "TG", entity.RoleFlag) {
		t.Errorf("own:V-003 = %+v", v)
	}
	// The CSV carries the same names, kinds, aliases, dates and identifiers.
	for i, e := range cs.Entities {
		j := js.Entities[i]
		if e.ID != j.ID || e.Kind != j.Kind || e.Name != j.Name || !reflect.DeepEqual(e.Aliases, j.Aliases) || !reflect.DeepEqual(e.BirthDates, j.BirthDates) || len(e.Identifiers) != len(j.Identifiers) {
			t.Errorf("CSV entity %d = %+v\nJSON = %+v", i, e, j)
		}
	}
	if l := byID(cs)["own:P-002"].Links; len(l) != 1 || l[0].Relation != "director_of" || l[0].TargetName != "Sunrise Test Trading Ltd" {
		t.Errorf("CSV links = %+v", l)
	}
}

func TestOwnJSONArray(t *testing.T) {
	in := `[{"id":"1","kind":"company","name":"  Foo   Ltd "},{"id":"x:2","name":"Bar","kind":"individual"}]`
	l, err := Parse(context.Background(), strings.NewReader(in), FormatOwnJSON, "a.json")
	if err != nil {
		t.Fatal(err)
	}
	if l.Entities[0].ID != "own:1" || l.Entities[0].Kind != entity.KindOrganization || l.Entities[0].Name != "Foo Ltd" || l.Entities[0].List != "own" {
		t.Errorf("entity 0 = %+v", l.Entities[0])
	}
	if l.Entities[1].ID != "x:2" || l.Entities[1].Kind != entity.KindPerson {
		t.Errorf("entity 1 = %+v", l.Entities[1])
	}
}

func TestOwnErrors(t *testing.T) {
	tests := []struct {
		name, format, in, want string
	}{
		{"json unknown field", FormatOwnJSON, `[{"id":"1","name":"A","colour":"red"}]`, `unknown field "colour"`},
		{"json syntax", FormatOwnJSON, "[\n{\"id\":\"1\",\n\"name\":}\n]", "line 3"},
		{"json type", FormatOwnJSON, "[\n{\"id\":1,\"name\":\"A\"}]", "line 2: field"},
		{"json truncated", FormatOwnJSON, `[{"id":"1","name":"A"}`, "unexpected end"},
		{"json scalar", FormatOwnJSON, `"x"`, "want a JSON array"},
		{"json missing id", FormatOwnJSON, `[{"name":"A"}]`, "missing id"},
		{"json empty name", FormatOwnJSON, `[{"id":"1","name":" "}]`, "empty name"},
		{"json duplicate id", FormatOwnJSON, `[{"id":"1","name":"A"},{"id":"own:1","name":"B"}]`, "duplicate id"},
		{"json bad kind", FormatOwnJSON, `[{"id":"1","name":"A","kind":"robot"}]`, `unknown kind "robot"`},
		{"json bad date", FormatOwnJSON, `[{"id":"1","name":"A","birth_dates":["13/1970"]}]`, "birth_dates"},
		{"json bad strength", FormatOwnJSON, `[{"id":"1","name":"A","aliases":[{"name":"B","strength":"maybe"}]}]`, "unknown strength"},
		{"json bad role", FormatOwnJSON, `[{"id":"1","name":"A","countries":[{"code":"KP","role":"home"}]}]`, "unknown role"},
		{"json bad id type", FormatOwnJSON, `[{"id":"1","name":"A","identifiers":[{"type":"ssn","value":"1"}]}]`, "unknown type"},
		{"json bad gender", FormatOwnJSON, `[{"id":"1","name":"A","gender":"x"}]`, "field gender"},
		{"yaml unknown field", FormatOwnYAML, "- id: 1\n  name: A\n  colour: red\n", "line 3"},
		{"yaml scalar", FormatOwnYAML, "hello\n", "want a sequence"},
		{"yaml empty", FormatOwnYAML, "", "empty document"},
		{"yaml syntax", FormatOwnYAML, "- id: [1\n", "yaml"},
		{"csv unknown column", FormatOwnCSV, "id,name,colour\n1,A,red\n", `column 3: unknown column "colour"`},
		{"csv missing name column", FormatOwnCSV, "id,kind\n1,person\n", `missing required column "name"`},
		{"csv short row", FormatOwnCSV, "id,name,kind\n1,A\n", "line 2: 2 fields, want 3"},
		{"csv bad countries", FormatOwnCSV, "id,name,countries\n1,A,KP\n", "line 2: field countries"},
		{"csv bad identifiers", FormatOwnCSV, "id,name,identifiers\n1,A,123\n", "line 2: field identifiers"},
		{"csv empty", FormatOwnCSV, "", "empty file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(context.Background(), strings.NewReader(tt.in), tt.format, "t")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
