package entity

import (
	"fmt"
	"strings"
)

// Validate checks that every entity has a source-prefixed id, a name and a
// known kind, and that ids are unique. Parsers call it before returning.
func (l *List) Validate() error {
	seen := make(map[string]int, len(l.Entities))
	for i := range l.Entities {
		e := &l.Entities[i]
		if e.ID == "" {
			return fmt.Errorf("entity %d (%q): empty id", i+1, e.Name)
		}
		if !strings.Contains(e.ID, ":") {
			return fmt.Errorf("entity %d: id %q has no source prefix (like \"own:\")", i+1, e.ID)
		}
		if strings.TrimSpace(e.Name) == "" {
			return fmt.Errorf("entity %s: empty name", e.ID)
		}
		switch e.Kind {
		case KindUnknown, KindPerson, KindOrganization, KindVessel, KindAircraft:
		default:
			return fmt.Errorf("entity %s: unknown kind %q (want person, organization, vessel or aircraft)", e.ID, e.Kind)
		}
		if j, dup := seen[e.ID]; dup {
			return fmt.Errorf("entity %s: duplicate id (entities %d and %d)", e.ID, j+1, i+1)
		}
		seen[e.ID] = i
	}
	return nil
}
