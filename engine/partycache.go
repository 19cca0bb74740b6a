package engine

import (
	"strings"

	"github.com/screen-compliance/screen/index"
	"github.com/screen-compliance/screen/internal/gencache"
	"github.com/screen-compliance/screen/names"
)

// DefaultPartyCache is the number of distinct parties whose index hits an
// engine remembers by default (see WithPartyCache).
const DefaultPartyCache = 16384

// partyKey identifies a party query: everything index.Search reads.
type partyKey struct {
	name, kind, country, dob, ids, imo string
}

func keyOf(q *names.Query) partyKey {
	return partyKey{name: q.Name, kind: string(q.Kind), country: q.Country, dob: q.DOB, ids: strings.Join(q.IDs, "\x00"), imo: q.IMO}
}

// newPartyCache returns the cache of index hits by party query of a list
// snapshot, or nil (no caching) when max <= 0. Hits depend only on the
// query, the index and the search options, which are fixed for a snapshot,
// so a cached answer is the answer a search would give: the cache changes
// speed, never output. A counterparty that recurs in a shipment file (the
// same shipper on thousands of rows) is searched once per snapshot.
func newPartyCache(max int) *gencache.Cache[partyKey, []index.Hit] {
	return gencache.New[partyKey, []index.Hit](max)
}
