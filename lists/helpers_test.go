package lists

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/screen-compliance/screen/entity"
)

// repoRoot returns the directory holding go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

// fixture returns the path of a file under testdata/lists.
func fixture(t testing.TB, rel string) string {
	t.Helper()
	return filepath.Join(repoRoot(t), "testdata", "lists", rel)
}

// sharedData returns the path of a file under ../shared/data, skipping the
// test when it is absent.
func sharedData(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(repoRoot(t), "..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data %s not present (%v): skipping the real-list test", rel, err)
	}
	return p
}

// byID indexes a list's entities by id.
func byID(l *entity.List) map[string]*entity.Entity {
	m := make(map[string]*entity.Entity, len(l.Entities))
	for i := range l.Entities {
		m[l.Entities[i].ID] = &l.Entities[i]
	}
	return m
}

// hasID reports whether e has an identifier of the type and value.
func hasID(e *entity.Entity, typ entity.IDType, value string) bool {
	for _, id := range e.Identifiers {
		if id.Type == typ && id.Value == value {
			return true
		}
	}
	return false
}

// hasAlias returns the alias of e with the name, or nil.
func hasAlias(e *entity.Entity, name string) *entity.Alias {
	for i := range e.Aliases {
		if e.Aliases[i].Name == name {
			return &e.Aliases[i]
		}
	}
	return nil
}

// hasCountry reports whether e has the country code in the role.
func hasCountry(e *entity.Entity, code string, role entity.CountryRole) bool {
	for _, c := range e.Countries {
		if c.Code == code && c.Role == role {
			return true
		}
	}
	return false
}
