package engine

import (
	"testing"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/index"
	"github.com/screen-compliance/screen/names"
)

// TestIndexKeyNamesTheLayout: the key an index is cached and published
// under changes with the index layout, so that a binary whose layout is
// new looks for (and builds) its own index instead of finding one of the
// old layout and refusing it as damaged; and it changes with the lists'
// content and the vocabulary, and with nothing else.
func TestIndexKeyNamesTheLayout(t *testing.T) {
	lists := func(version, sha string) []*entity.List {
		return []*entity.List{{Meta: entity.Metadata{Name: "un", Version: version, Files: []entity.FileDigest{{SHA256: sha}}},
			Entities: []entity.Entity{{ID: "un:1", Name: "A"}}}}
	}
	v := names.DefaultVocabulary()
	base := indexKey(lists("1", "aa"), v)
	if base != indexKeyFor(lists("1", "aa"), v, index.FormatVersion) || base != indexKey(lists("1", "aa"), v) {
		t.Fatal("indexKey is not indexKeyFor of the current layout, or not stable")
	}
	for name, other := range map[string]string{
		"older layout":  indexKeyFor(lists("1", "aa"), v, index.FormatVersion-1),
		"newer layout":  indexKeyFor(lists("1", "aa"), v, index.FormatVersion+1),
		"list version":  indexKey(lists("2", "aa"), v),
		"file contents": indexKey(lists("1", "bb"), v),
	} {
		if other == base {
			t.Errorf("%s: same key %s", name, base)
		}
	}
}
