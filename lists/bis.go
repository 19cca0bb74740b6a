package lists

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/screen-compliance/screen/entity"
)

// bisColumns are the columns of the BIS Denied Persons List (dpl.txt).
var bisColumns = []string{"Name", "Street_Address", "City", "State", "Country", "Postal_Code", "Effective_Date", "Expiration_Date", "Standard_Order", "Last_Update", "Action", "FR_Citation"}

var reAKAParen = regexp.MustCompile(`(?i)\s*\((?:a\.?k\.?a\.?|f\.?k\.?a\.?)\s+([^)]+)\)`)

// ParseBIS reads the BIS Denied Persons List: tab-separated, quoted, with a
// header row. The list has no ids: rows with the same name and effective
// date are one denial (their addresses merged), with the id "bis:" plus a
// digest of both, stable across list versions. The list has no kind column:
// names with a company word are organizations, the others are of unknown
// kind.
func ParseBIS(ctx context.Context, r io.Reader, name string) (*entity.List, error) {
	// dpl.txt ends every line, the last one included, with a newline.
	cr := newCSVFile(r, '\t', true)
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("parse %s: empty file", name)
		}
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, c := range []string{"Name", "Effective_Date"} {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("parse %s: line 1: missing column %q (want %s)", name, c, strings.Join(bisColumns, ", "))
		}
	}
	l := &entity.List{Meta: entity.Metadata{Name: "bis", Title: "BIS Denied Persons List"}}
	index := map[string]int{}
	err = csvRows(ctx, cr, name, func(line int, rec []string) error {
		if len(rec) != len(header) {
			return csvWidthError(name, line, len(rec), len(header))
		}
		get := func(c string) string {
			if i, ok := col[c]; ok {
				return clean(rec[i])
			}
			return ""
		}
		raw := get("Name")
		if raw == "" {
			return fmt.Errorf("parse %s: line %d: field Name: empty", name, line)
		}
		var aliases []string
		for _, m := range reAKAParen.FindAllStringSubmatch(raw, -1) {
			aliases = append(aliases, m[1])
		}
		primary := clean(reAKAParen.ReplaceAllString(raw, " "))
		eff := entity.ParseDate(usDate(get("Effective_Date")))
		key := strings.ToUpper(primary) + "|" + string(eff)
		i, ok := index[key]
		if !ok {
			sum := sha256.Sum256([]byte(key))
			e := entity.Entity{ID: "bis:" + hex.EncodeToString(sum[:6]), List: "bis", Name: primary, ListedOn: string(eff), Programs: []string{"DPL"}}
			if reOrgName.MatchString(primary) {
				e.Kind = entity.KindOrganization
			}
			var rem []string
			if exp := entity.ParseDate(usDate(get("Expiration_Date"))); exp != "" {
				rem = append(rem, "Denial expires "+string(exp))
			}
			if a := get("Action"); a != "" {
				rem = append(rem, a)
			}
			if fr := get("FR_Citation"); fr != "" {
				rem = append(rem, "Federal Register: "+fr)
			}
			e.Remarks = strings.Join(rem, "; ")
			i = len(l.Entities)
			index[key] = i
			l.Entities = append(l.Entities, e)
		}
		e := &l.Entities[i]
		for _, a := range aliases {
			addAlias(e, a, entity.StrengthStrong)
		}
		addr := entity.Address{Street: get("Street_Address"), City: get("City"), Region: get("State"), Postal: get("Postal_Code"), Country: get("Country")}
		addr.Full = strings.Join(nonEmpty(addr.Street, addr.City, addr.Region, addr.Postal, addr.Country), ", ")
		if addr.Full != "" {
			dup := false
			for _, have := range e.Addresses {
				dup = dup || have.Full == addr.Full
			}
			if !dup {
				e.Addresses = append(e.Addresses, addr)
			}
		}
		addCountry(e, addr.Country, entity.RoleAddress)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// usDate turns a US "MM/DD/YYYY" date into "YYYY-MM-DD" text, leaving other
// text as it is.
func usDate(s string) string {
	parts := strings.Split(s, "/")
	if len(parts) == 3 && len(parts[2]) == 4 {
		return parts[2] + "-" + parts[0] + "-" + parts[1]
	}
	return s
}
