package lists

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/screen-compliance/screen/entity"
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
func loadOFACCSV(ctx context.Context, path string, cons bool) (*entity.List, error) {
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
	var digests []entity.FileDigest
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
		digests = append(digests, entity.FileDigest{Path: p, SHA256: hex.EncodeToString(sum[:])})
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
func ParseOFACCSV(ctx context.Context, files OFACFiles, cons bool) (*entity.List, error) {
	prefix, title := "ofac", "OFAC Specially Designated Nationals (SDN) List"
	if cons {
		prefix, title = "ofaccons", "OFAC Consolidated (non-SDN) Sanctions List"
	}
	if files.Main == nil {
		return nil, errors.New("parse OFAC CSV: no main file")
	}
	main, err := readOFACFile(files.Main, files.MainName)
	if err != nil {
		return nil, err
	}
	add, err := readOFACFile(files.Add, files.AddName)
	if err != nil {
		return nil, err
	}
	alt, err := readOFACFile(files.Alt, files.AltName)
	if err != nil {
		return nil, err
	}
	comments, err := readOFACFile(files.Comments, files.CommentsName)
	if err != nil {
		return nil, err
	}
	l := &entity.List{Meta: entity.Metadata{Name: prefix, Title: title}}
	index := map[string]int{}
	remarks := map[string]string{}
	err = readOFACCSV(ctx, main, ofacMainCols, func(line int, rec []string) error {
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
	// The main file ends where a line ends: check that the set's files end
	// alike before the companions' rows are matched against it.
	if err := checkOFACMarks(main, add, alt); err != nil {
		return nil, err
	}
	lookup := func(ent string) (*entity.Entity, error) {
		i, ok := index[ent]
		if !ok {
			return nil, fmt.Errorf("field ent_num: %s is not in the main file %s (is %s complete?)", ent, main.name, main.name)
		}
		return &l.Entities[i], nil
	}
	if comments != nil {
		err := readOFACCSV(ctx, comments, ofacCommentsCols, func(line int, rec []string) error {
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
	if alt != nil {
		err := readOFACCSV(ctx, alt, ofacAltCols, func(line int, rec []string) error {
			e, err := lookup(rec[0])
			if err != nil {
				return err
			}
			name := ofacField(rec[3])
			if name == "" {
				return errors.New("field alt_name: empty")
			}
			addAlias(e, name, ofacAltStrength(ofacField(rec[2]), ofacField(rec[4])))
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if add != nil {
		err := readOFACCSV(ctx, add, ofacAddCols, func(line int, rec []string) error {
			e, err := lookup(rec[0])
			if err != nil {
				return err
			}
			a := entity.Address{Street: ofacField(rec[2]), City: ofacField(rec[3]), Country: ofacField(rec[4])}
			a.Full = strings.Join(nonEmpty(a.Street, a.City, a.Country), ", ")
			if a.Full != "" {
				e.Addresses = append(e.Addresses, a)
			}
			addCountry(e, a.Country, entity.RoleAddress)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return l, nil
}

// ofacFile is one OFAC CSV file read into memory, decoded to UTF-8.
type ofacFile struct {
	name string
	b    []byte
}

// readOFACFile reads one file of a set; a nil reader gives nil. Older OFAC
// files are Windows-1252: a file that is not valid UTF-8 is decoded so.
func readOFACFile(r io.Reader, name string) (*ofacFile, error) {
	if r == nil {
		return nil, nil
	}
	if name == "" {
		name = "<input>"
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if !utf8.Valid(b) {
		if b, err = charmap.Windows1252.NewDecoder().Bytes(b); err != nil {
			return nil, fmt.Errorf("read %s: decode Windows-1252: %w", name, err)
		}
	}
	return &ofacFile{name: name, b: b}, nil
}

// checkOFACMarks refuses a set whose main, address and alias files do not
// all end the same way: OFAC ends each of them with a Ctrl-Z after the last
// line, so one without it when another has it was cut at a line end.
// (sdn_comments.csv has no such byte and is not compared.)
func checkOFACMarks(files ...*ofacFile) error {
	var with, without []string
	for _, f := range files {
		if f == nil {
			continue
		}
		if n := len(f.b); n > 0 && f.b[n-1] == dosEOF {
			with = append(with, f.name)
		} else {
			without = append(without, f.name)
		}
	}
	if len(with) == 0 || len(without) == 0 {
		return nil
	}
	verb := "ends"
	if len(with) > 1 {
		verb = "end"
	}
	return fmt.Errorf("parse %s: %w: no end-of-file byte (Ctrl-Z) after the last line, although %s of the same set %s with one (cut at the end of a line?)",
		strings.Join(without, ", "), ErrTruncated, strings.Join(with, " and "), verb)
}

// readOFACCSV reads one header-less OFAC CSV file, checking the column count
// and calling fn for each row; errors name the file, line and field. A file
// cut inside a quoted field or a line is refused (ErrTruncated).
func readOFACCSV(ctx context.Context, f *ofacFile, cols []string, fn func(line int, rec []string) error) error {
	name := f.name
	// OFAC ends every line, the last one included, with CR LF (and most
	// files with a Ctrl-Z after it).
	cr := newCSVFile(bytes.NewReader(f.b), ',', true)
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
func ofacMainEntity(rec []string, prefix string) (entity.Entity, error) {
	name := clean(ofacField(rec[1]))
	if name == "" {
		return entity.Entity{}, errors.New("field SDN_Name: empty")
	}
	e := entity.Entity{ID: prefix + ":" + rec[0], List: prefix, Name: name}
	switch t := strings.ToLower(ofacField(rec[2])); t {
	case "individual":
		e.Kind = entity.KindPerson
		e.NameParts = splitLastFirst(name)
	case "vessel":
		e.Kind = entity.KindVessel
	case "aircraft":
		e.Kind = entity.KindAircraft
	case "", "entity":
		e.Kind = entity.KindOrganization
	default:
		return entity.Entity{}, fmt.Errorf("field SDN_Type: unknown type %q", t)
	}
	for _, p := range splitPrograms(ofacField(rec[3])) {
		addProgram(&e, p)
	}
	if cs := ofacField(rec[5]); cs != "" {
		addIdentifier(&e, entity.Identifier{Type: entity.IDCallSign, Value: cs})
	}
	if flag := ofacField(rec[9]); flag != "" {
		addCountry(&e, flag, entity.RoleFlag)
	}
	if owner := ofacField(rec[10]); owner != "" {
		e.Links = append(e.Links, entity.Link{TargetName: clean(owner), Relation: "owned_by"})
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
func ofacAltStrength(typ, remark string) entity.Strength {
	t := strings.ToLower(typ + " " + remark)
	switch {
	case strings.Contains(t, "weak"):
		return entity.StrengthWeak
	case strings.Contains(t, "fka"), strings.Contains(t, "f.k.a."):
		return entity.StrengthFormer
	}
	return entity.StrengthStrong
}
