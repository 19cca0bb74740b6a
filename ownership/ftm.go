package ownership

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/screen-compliance/screen/ftm"
)

// ftmEntity is the part of a FollowTheMoney entity the graph needs.
type ftmEntity struct {
	ID         string              `json:"id"`
	Caption    string              `json:"caption"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
	Datasets   []string            `json:"datasets"`
}

// FtMPrefix is the id prefix of OpenSanctions entities ("os:NK-...").
const FtMPrefix = ftm.IDPrefix

// ftmRel is the edge relation of each relationship schema; the schema's
// ends (ftm.RelationshipEnds) are the edge's owner and owned sides.
var ftmRel = map[string]string{
	ftm.Ownership:    RelOwns,
	ftm.Directorship: RelDirector,
	ftm.Family:       RelFamily,
	ftm.Associate:    RelAssociate,
	ftm.UnknownLink:  RelLinkedTo,
}

// ParseFtM reads FollowTheMoney entities as JSON lines (OpenSanctions
// entities.ftm.json) and returns the Ownership, Directorship, Family,
// Associate and UnknownLink relationships as edges. Ids get the "os:"
// prefix; names come from the captions of the referenced entities. A line
// that is not JSON is an error naming the line.
func ParseFtM(ctx context.Context, r io.Reader, name string) ([]Edge, error) {
	captions := map[string]string{}
	var rels []*ftmEntity
	var lines []int
	err := ftm.ScanLines(ctx, r, name, func(line int, e *ftmEntity) error {
		if e.ID == "" {
			return fmt.Errorf("parse %s: line %d: field id: empty", name, line)
		}
		if _, ok := ftmRel[e.Schema]; ok {
			rels = append(rels, e)
			lines = append(lines, line)
			return nil
		}
		captions[e.ID] = e.Caption
		return nil
	})
	if err != nil {
		return nil, err
	}
	var edges []Edge
	for i, e := range rels {
		rel := ftmRel[e.Schema]
		ends, _ := ftm.RelationshipEnds(e.Schema)
		froms, tos := e.Properties[ends.From], e.Properties[ends.To]
		if len(froms) == 0 || len(tos) == 0 {
			return nil, fmt.Errorf("parse %s: line %d: %s %s: field %s or %s: empty", name, lines[i], e.Schema, e.ID, ends.From, ends.To)
		}
		src := "ftm " + e.ID
		if len(e.Datasets) > 0 {
			ds := append([]string(nil), e.Datasets...)
			sort.Strings(ds)
			src += " (" + strings.Join(ds, ", ") + ")"
		}
		var pct *float64
		if ps := e.Properties["percentage"]; len(ps) > 0 && rel == RelOwns {
			p, err := parsePercent(ps[0])
			if err != nil {
				// Unreadable shares are unknown, and say so: never a clear.
				src += fmt.Sprintf(" [percentage %q unreadable: taken as unknown]", ps[0])
			} else {
				pct = p
			}
		}
		start := firstDate(e.Properties["startDate"])
		end := firstDate(e.Properties["endDate"])
		for _, f := range froms {
			for _, t := range tos {
				edges = append(edges, Edge{
					OwnerID: FtMPrefix + f, OwnerName: captions[f], OwnedID: FtMPrefix + t, OwnedName: captions[t],
					Percent: pct, Start: start, End: end, Relation: rel, Source: src,
				})
			}
		}
	}
	return edges, nil
}

// firstDate returns the first valid date of an FtM date property.
func firstDate(vs []string) string {
	for _, v := range vs {
		if d, err := normDate(v); err == nil && d != "" {
			return d
		}
	}
	return ""
}
