package ownership

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
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
const FtMPrefix = "os:"

// ftmRel says which properties of a relationship schema hold the two ends.
var ftmRel = map[string]struct{ from, to, rel string }{
	"Ownership":    {"owner", "asset", RelOwns},
	"Directorship": {"director", "organization", RelDirector},
	"Family":       {"person", "relative", RelFamily},
	"Associate":    {"person", "associate", RelAssociate},
	"UnknownLink":  {"subject", "object", RelLinkedTo},
}

// ParseFtM reads FollowTheMoney entities as JSON lines (OpenSanctions
// entities.ftm.json) and returns the Ownership, Directorship, Family,
// Associate and UnknownLink relationships as edges. Ids get the "os:"
// prefix; names come from the captions of the referenced entities. A line
// that is not JSON is an error naming the line.
func ParseFtM(ctx context.Context, r io.Reader, name string) ([]Edge, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 64<<20)
	captions := map[string]string{}
	var rels []ftmEntity
	var lines []int
	line := 0
	for sc.Scan() {
		line++
		if line%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var e ftmEntity
		if err := json.Unmarshal(b, &e); err != nil {
			return nil, fmt.Errorf("parse %s: line %d: %w", name, line, err)
		}
		if e.ID == "" {
			return nil, fmt.Errorf("parse %s: line %d: field id: empty", name, line)
		}
		if _, ok := ftmRel[e.Schema]; ok {
			rels = append(rels, e)
			lines = append(lines, line)
			continue
		}
		captions[e.ID] = e.Caption
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: line %d: %w", name, line+1, err)
	}
	var edges []Edge
	for i, e := range rels {
		spec := ftmRel[e.Schema]
		froms, tos := e.Properties[spec.from], e.Properties[spec.to]
		if len(froms) == 0 || len(tos) == 0 {
			return nil, fmt.Errorf("parse %s: line %d: %s %s: field %s or %s: empty", name, lines[i], e.Schema, e.ID, spec.from, spec.to)
		}
		src := "ftm " + e.ID
		if len(e.Datasets) > 0 {
			ds := append([]string(nil), e.Datasets...)
			sort.Strings(ds)
			src += " (" + strings.Join(ds, ", ") + ")"
		}
		var pct *float64
		if ps := e.Properties["percentage"]; len(ps) > 0 && spec.rel == RelOwns {
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
					Percent: pct, Start: start, End: end, Relation: spec.rel, Source: src,
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
