package ownership

import (
	"context"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/index"
	"github.com/screen-compliance/screen/names"
)

// IndexResolver resolves names from ownership files and relationships with
// a list index, so that they are matched exactly as a screened party is:
// candidates from index.Search, scored by names.Score. Pass it as
// Options.Resolver when building the graph of the index's snapshot.
func IndexResolver(ix *index.Index) Resolver {
	return ResolverFunc(func(ctx context.Context, name string, kind entity.Kind) ([]Candidate, error) {
		hits, err := ix.Search(ctx, names.Query{Name: name, Kind: kind}, index.SearchOptions{Limit: 3, MinScore: 0.5})
		if err != nil {
			return nil, err
		}
		out := make([]Candidate, 0, len(hits))
		for _, h := range hits {
			out = append(out, Candidate{Entity: h.Entity, Score: h.Score, MatchedName: h.MatchedName, Explanation: h.Explanation})
		}
		return out, nil
	})
}
