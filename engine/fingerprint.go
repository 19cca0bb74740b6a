package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/screen-compliance/screen/record"
)

// fingerprint identifies a finding across runs: the record, the rule and what
// its evidence points at (entity ids, party names, goods codes), not the
// score or message wording, so a re-run on new list versions keeps it.
func fingerprint(rec *record.Record, matches []record.Match, gl []record.Goods, r *record.Reason) string {
	key := rec.ID
	if key == "" {
		key = fmt.Sprintf("%s#%d", rec.Source, rec.Row)
	}
	parts := make([]string, 0, len(r.Evidence))
	for _, ev := range r.Evidence {
		var i int
		switch {
		case scan(ev, "matches[%d]", &i) && i < len(matches):
			parts = append(parts, "entity:"+matches[i].EntityID+"@"+matches[i].Role)
		case scan(ev, "parties[%d]", &i) && i < len(rec.Parties):
			p := rec.Parties[i]
			parts = append(parts, "party:"+p.Role+":"+strings.ToLower(strings.Join(strings.Fields(p.Name), " ")))
		case scan(ev, "goods[%d]", &i) && i < len(gl):
			parts = append(parts, "goods:"+gl[i].HS+":"+strings.Join(gl[i].Categories, ","))
		default:
			parts = append(parts, ev)
		}
	}
	sort.Strings(parts)
	h := sha256.Sum256([]byte("v1|" + key + "|" + r.Rule + "|" + strings.Join(parts, "|")))
	return hex.EncodeToString(h[:12])
}

func scan(s, format string, i *int) bool {
	_, err := fmt.Sscanf(s, format, i)
	return err == nil && *i >= 0
}
