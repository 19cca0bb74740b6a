package lists

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// OFACFiles holds the files of one OFAC CSV set. Only Main is required; the
// companion files add addresses, aliases and the continuation of remarks
// that sdn.csv truncates.
type OFACFiles struct {
	Main, Add, Alt, Comments                 io.Reader
	MainName, AddName, AltName, CommentsName string
}

// OFAC CSV column names, for error messages.
var (
	ofacMainCols     = []string{"ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign", "Vess_type", "Tonnage", "GRT", "Vess_flag", "Vess_owner", "Remarks"}
	ofacAddCols      = []string{"ent_num", "Add_num", "Address", "City/State/Province/Postal Code", "Country", "Add_remarks"}
	ofacAltCols      = []string{"ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"}
	ofacCommentsCols = []string{"ent_num", "Remarks_Extended"}
)

// loadOFACCSV reads an OFAC CSV set from its main file or its directory.
func loadOFACCSV(ctx context.Context, path string, cons bool) (*List, error) {
	main, add, alt, comments := "sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"
	if cons {
		main, add, alt, comments = "cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"
	}
	dir := path
	if fi, err := os.Stat(path); err != nil {
		return nil, err
	} else if !fi.IsDir() {
		dir = filepath.Dir(path)
		main = filepath.Base(path)
	} else if p := findFold(dir, main); p != "" {
		main = filepath.Base(p)
	}
	var files OFACFiles
	var digests []FileDigest
	open := func(base string, required bool) (io.Reader, string, error) {
		p := filepath.Join(dir, base)
		if !required {
			p = findFold(dir, base)
			if p == "" {
				return nil, "", nil
			}
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, "", err
		}
		sum := sha256.Sum256(b)
		digests = append(digests, FileDigest{Path: p, SHA256: hex.EncodeToString(sum[:])})
		return bytes.NewReader(b), p, nil
	}
	var err error
	if files.Main, files.MainName, err = open(main, true); err != nil {
		return nil, err
	}
	if files.Add, files.AddName, err = open(add, false); err != nil {
		return nil, err
	}
	if files.Alt, files.AltName, err = open(alt, false); err != nil {
		return nil, err
	}
	if files.Comments, files.CommentsName, err = open(comments, false); err != nil {
		return nil, err
	}
	l, err := ParseOFACCSV(ctx, files, cons)
	if err != nil {
		return nil, err
	}
	l.Meta.Files = digests
	if l.Meta.Version == "" {
		l.Meta.Version = "sha256:" + digests[0].SHA256[:12]
	}
	return l, nil
}

// findFold returns the path of the file named base in dir, matching the
// name case-insensitively, or "" when there is none.
func findFold(dir, base string) string {
	if _, err := os.Stat(filepath.Join(dir, base)); err == nil {
		return filepath.Join(dir, base)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	for _, e := range ents {
		if !e.IsDir() && strings.EqualFold(e.Name(), base) {
			return filepath.Join(dir, e.Name())
		}
	}
	return ""
}

// ParseOFACCSV reads an OFAC SDN CSV set (cons=false: ids "ofac:<ent_num>",
// list "ofac") or consolidated non-SDN set (cons=true: "ofaccons:", list
// "ofaccons"). The CSV files have no header and write empty fields as "-0-".
// The remarks are parsed into birth dates and places, nationalities,
// identifiers, aliases and links; the full text stays in Remarks.
func ParseOFACCSV(ctx context.Context, files OFACFiles, cons bool) (*List, error) {
	prefix, title := "ofac", "OFAC Specially Designated Nationals (SDN) List"
	if cons {
		prefix, title = "ofaccons", "OFAC Consolidated (non-SDN) Sanctions List"
	}
	if files.Main == nil {
		return nil, errors.New("parse OFAC CSV: no main file")
	}
	l := &List{Meta: Metadata{Name: prefix, Title: title}}
	index := map[string]int{}
	remarks := map[string]string{}
	err := readOFACCSV(ctx, files.Main, files.MainName, ofacMainCols, func(line int, rec []string) error {
		e, err := ofacMainEntity(rec, prefix)
		if err != nil {
			return err
		}
		if j, dup := index[rec[0]]; dup {
			return fmt.Errorf("field ent_num: duplicate %s (first at entity %d)", rec[0], j+1)
		}
		index[rec[0]] = len(l.Entities)
		remarks[rec[0]] = ofacField(rec[11])
		l.Entities = append(l.Entities, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	lookup := func(ent string) (*Entity, error) {
		i, ok := index[ent]
		if !ok {
			return nil, fmt.Errorf("field ent_num: %s is not in the main file", ent)
		}
		return &l.Entities[i], nil
	}
	if files.Comments != nil {
		err := readOFACCSV(ctx, files.Comments, files.CommentsName, ofacCommentsCols, func(line int, rec []string) error {
			if _, err := lookup(rec[0]); err != nil {
				return err
			}
			// The comments file continues the remark that the main file cut.
			remarks[rec[0]] += ofacField(rec[1])
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for i := range l.Entities {
		e := &l.Entities[i]
		r := remarks[strings.TrimPrefix(e.ID, prefix+":")]
		e.Remarks = r
		parseOFACRemarks(e, r)
	}
	if files.Alt != nil {
		err := readOFACCSV(ctx, files.Alt, files.AltName, ofacAltCols, func(line int, rec []string) error {
			e, err := lookup(rec[0])
			if err != nil {
				return err
			}
			name := ofacField(rec[3])
			if name == "" {
				return errors.New("field alt_name: empty")
			}
			e.addAlias(name, ofacAltStrength(ofacField(rec[2]), ofacField(rec[4])))
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if files.Add != nil {
		err := readOFACCSV(ctx, files.Add, files.AddName, ofacAddCols, func(line int, rec []string) error {
			e, err := lookup(rec[0])
			if err != nil {
				return err
			}
			a := Address{Street: ofacField(rec[2]), City: ofacField(rec[3]), Country: ofacField(rec[4])}
			a.Full = strings.Join(nonEmpty(a.Street, a.City, a.Country), ", ")
			if a.Full != "" {
				e.Addresses = append(e.Addresses, a)
			}
			e.addCountry(a.Country, RoleAddress)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return l, nil
}

// readOFACCSV reads one header-less OFAC CSV file, checking the column count
// and calling fn for each row; errors name the file, line and field.
func readOFACCSV(ctx context.Context, r io.Reader, name string, cols []string, fn func(line int, rec []string) error) error {
	if name == "" {
		name = "<input>"
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if !utf8.Valid(b) {
		// Older OFAC files are Windows-1252.
		if b, err = charmap.Windows1252.NewDecoder().Bytes(b); err != nil {
			return fmt.Errorf("read %s: decode Windows-1252: %w", name, err)
		}
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	return csvRows(ctx, cr, name, func(line int, rec []string) error {
		if len(rec) != len(cols) {
			field := "row"
			if len(rec) < len(cols) {
				field = "field " + cols[len(rec)] + " missing"
			} else {
				field = "extra field " + strconv.Itoa(len(cols)+1)
			}
			return fmt.Errorf("parse %s: line %d: %s: %d fields, want %d (%s)", name, line, field, len(rec), len(cols), strings.Join(cols, ", "))
		}
		ent := strings.TrimSpace(rec[0])
		if _, err := strconv.ParseUint(ent, 10, 64); err != nil {
			return fmt.Errorf("parse %s: line %d: field %s: %q is not a number", name, line, cols[0], rec[0])
		}
		rec[0] = ent
		if err := fn(line, rec); err != nil {
			return fmt.Errorf("parse %s: line %d: %w", name, line, err)
		}
		return nil
	})
}

// ofacField returns a cleaned field, "" for OFAC's "-0-" empty marker.
func ofacField(s string) string {
	s = strings.TrimSpace(s)
	if s == "-0-" {
		return ""
	}
	return s
}

// ofacMainEntity builds an entity from a main-file row (remarks are parsed later).
func ofacMainEntity(rec []string, prefix string) (Entity, error) {
	name := clean(ofacField(rec[1]))
	if name == "" {
		return Entity{}, errors.New("field SDN_Name: empty")
	}
	e := Entity{ID: prefix + ":" + rec[0], List: prefix, Name: name}
	switch t := strings.ToLower(ofacField(rec[2])); t {
	case "individual":
		e.Kind = KindPerson
		e.NameParts = splitLastFirst(name)
	case "vessel":
		e.Kind = KindVessel
	case "aircraft":
		e.Kind = KindAircraft
	case "", "entity":
		e.Kind = KindOrganization
	default:
		return Entity{}, fmt.Errorf("field SDN_Type: unknown type %q", t)
	}
	for _, p := range splitPrograms(ofacField(rec[3])) {
		e.addProgram(p)
	}
	if cs := ofacField(rec[5]); cs != "" {
		e.addIdentifier(Identifier{Type: IDCallSign, Value: cs})
	}
	if flag := ofacField(rec[9]); flag != "" {
		e.addCountry(flag, RoleFlag)
	}
	if owner := ofacField(rec[10]); owner != "" {
		e.Links = append(e.Links, Link{TargetName: clean(owner), Relation: "owned_by"})
	}
	return e, nil
}

// splitPrograms splits OFAC's "DPRK3] [CYBER2" programme field.
func splitPrograms(s string) []string {
	s = strings.Trim(s, "[] ")
	if s == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(s, "] [") {
		if p = strings.Trim(p, "[] "); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ofacAltStrength maps an alt.csv type and remark to an alias strength.
func ofacAltStrength(typ, remark string) Strength {
	t := strings.ToLower(typ + " " + remark)
	switch {
	case strings.Contains(t, "weak"):
		return StrengthWeak
	case strings.Contains(t, "fka"), strings.Contains(t, "f.k.a."):
		return StrengthFormer
	}
	return StrengthStrong
}
