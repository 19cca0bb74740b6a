package lists

import (
	"context"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/entity"
)

func TestBuiltin(t *testing.T) {
	l, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if l.Meta.Name != "builtin" || !l.Meta.Builtin || l.Meta.Title != "Built-in DPRK sample (UN 1718 designations)" || l.Meta.Version != "2026-02-27" {
		t.Errorf("meta = %+v", l.Meta)
	}
	if len(l.Entities) < 45 {
		t.Errorf("%d entities, want at least 45", len(l.Entities))
	}
	if l.Meta.Counts[entity.KindPerson] < 5 || l.Meta.Counts[entity.KindOrganization] < 40 || l.Meta.Counts[entity.KindVessel] < 5 {
		t.Errorf("counts = %v", l.Meta.Counts)
	}
	m := byID(l)
	if e := m["un:KPe.001"]; e == nil || e.Name != "KOREA MINING DEVELOPMENT TRADING CORPORATION" || e.List != "un" {
		t.Errorf("un:KPe.001 = %+v", e)
	}
	for _, id := range []string{"un:KPe.002", "un:KPe.003", "un:KPe.004", "un:KPe.010", "un:KPe.020", "un:KPe.025", "un:KPe.047", "un:KPe.048"} {
		if m[id] == nil {
			t.Errorf("%s missing", id)
		}
	}
	han := 0
	for _, e := range l.Entities {
		if !strings.HasPrefix(e.ID, "un:KP") && !strings.HasPrefix(e.ID, "ofac:") {
			t.Errorf("unexpected id %s", e.ID)
		}
		if strings.HasPrefix(e.ID, "un:") && e.List != "un" || strings.HasPrefix(e.ID, "ofac:") && e.List != "ofac" {
			t.Errorf("%s: list %q", e.ID, e.List)
		}
		if e.Kind == entity.KindVessel && !hasIDType(&e, entity.IDIMO) {
			t.Errorf("%s: vessel without IMO", e.ID)
		}
		for _, a := range e.Aliases {
			if a.Script == "Han" {
				han++
			}
		}
	}
	if han == 0 {
		t.Error("no Han original-script aliases")
	}
	// Each call returns an independent copy.
	l.Entities[0].Name = "changed"
	l2, _ := Builtin()
	if l2.Entities[0].Name == "changed" {
		t.Error("Builtin shares state between calls")
	}
}

func hasIDType(e *entity.Entity, typ entity.IDType) bool {
	for _, id := range e.Identifiers {
		if id.Type == typ {
			return true
		}
	}
	return false
}

// TestBuiltinMatchesSources checks every id, name, alias, birth date and
// identifier of the built-in list against the UN and OFAC files it was
// written from.
func TestBuiltinMatchesSources(t *testing.T) {
	ctx := context.Background()
	un, err := Load(ctx, sharedData(t, "un/consolidated.xml"), "")
	if err != nil {
		t.Fatal(err)
	}
	sdn, err := Load(ctx, sharedData(t, "ofac/sdn-2021"), "")
	if err != nil {
		t.Fatal(err)
	}
	src := byID(un)
	for id, e := range byID(sdn) {
		src[id] = e
	}
	b, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range b.Entities {
		s := src[e.ID]
		if s == nil {
			t.Errorf("%s is not in the source list", e.ID)
			continue
		}
		if s.Name != e.Name || s.Kind != e.Kind {
			t.Errorf("%s: name/kind %q/%s, source has %q/%s", e.ID, e.Name, e.Kind, s.Name, s.Kind)
		}
		for _, a := range e.Aliases {
			if sa := hasAlias(s, a.Name); sa == nil || sa.Strength != a.Strength {
				t.Errorf("%s: alias %q (%s) not in the source", e.ID, a.Name, a.Strength)
			}
		}
		for _, d := range e.BirthDates {
			found := false
			for _, sd := range s.BirthDates {
				found = found || sd == d
			}
			if !found {
				t.Errorf("%s: birth date %s not in the source", e.ID, d)
			}
		}
		for _, id := range e.Identifiers {
			if !hasID(s, id.Type, id.Value) {
				t.Errorf("%s: identifier %s %s not in the source", e.ID, id.Type, id.Value)
			}
		}
	}
}
