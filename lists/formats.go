package lists

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strings"

	"github.com/screen-compliance/screen/entity"
)

// Format names accepted by Load and Parse.
const (
	FormatUN        = "un-xml"         // UN Security Council consolidated list XML
	FormatOFACSDN   = "ofac-sdn-csv"   // OFAC SDN CSV set: sdn.csv + add.csv, alt.csv, sdn_comments.csv
	FormatOFACCons  = "ofac-cons-csv"  // OFAC consolidated non-SDN CSV set: cons_prim.csv + cons_*.csv
	FormatOwnJSON   = "json"           // the project's own format, JSON
	FormatOwnYAML   = "yaml"           // the project's own format, YAML
	FormatOwnCSV    = "csv"            // the project's own format, CSV
	FormatOFACXML   = "ofac-sdn-xml"   // OFAC SDN advanced XML (sdn_advanced.xml)
	FormatEU        = "eu-fsf-xml"     // EU consolidated financial sanctions XML
	FormatUK        = "uk-xml"         // UK sanctions list XML (FCDO)
	FormatBIS       = "bis-dpl"        // BIS Denied Persons List, tab-separated dpl.txt
	FormatFtM       = "ftm-json"       // OpenSanctions FollowTheMoney JSON lines
	FormatFtMSimple = "ftm-simple-csv" // OpenSanctions targets.simple.csv
)

// format is one list format: its entry in the registry that Load, Parse,
// DetectFormat, DetectFormatBytes, Formats and Official read.
type format struct {
	// name is the format's name (--format); title says in one line what
	// it reads, for docs and help (lists/README.md has a row per name).
	name, title string
	// own marks the project's own formats; the others are published
	// sanctions lists, which are never empty unless broken.
	own bool
	// xml marks XML formats: content that starts with '<' is only ever
	// detected as one of them.
	xml bool
	// names are lower-case base names that identify the format before
	// any content is looked at (sdn.csv).
	names []string
	// detect reports whether a file is of this format by its name and
	// first bytes. Detection asks the formats in registry order.
	detect func(s *sniff) bool
	// parse reads the format from one stream.
	parse func(ctx context.Context, r io.Reader, name string) (*entity.List, error)
	// load, for a format that is a set of files, reads the set from its
	// main file or from the directory holding it, dirMain being the main
	// file's name; nil for single-file formats, which Load opens and parses.
	load    func(ctx context.Context, path string) (*entity.List, error)
	dirMain string
}

// registry is every supported format, in detection order: a file's name
// (names) decides first, then each format's detect in this order.
var registry = []format{
	{
		name: FormatUN, title: "UN Security Council consolidated list XML", xml: true,
		detect: func(s *sniff) bool { return s.has("<CONSOLIDATED_LIST") },
		parse:  ParseUN,
	},
	{
		name: FormatOFACXML, title: "OFAC SDN advanced XML (sdn_advanced.xml)", xml: true,
		detect: func(s *sniff) bool { return s.has("<Sanctions") && s.has("ReferenceValueSets") },
		parse:  ParseOFACXML,
	},
	{
		name: FormatEU, title: "EU consolidated financial sanctions list XML (FSF)", xml: true,
		detect: func(s *sniff) bool { return s.has("<export") && (s.has("sanctionEntity") || s.has("fsd/export")) },
		parse:  ParseEU,
	},
	{
		name: FormatUK, title: "UK sanctions list XML (FCDO)", xml: true,
		detect: func(s *sniff) bool { return s.has("<Designations") || s.has("<ArrayOfFinancialSanctionsTarget") },
		parse:  ParseUK,
	},
	{
		name: FormatBIS, title: "BIS Denied Persons List, tab-separated dpl.txt",
		detect: func(s *sniff) bool {
			return strings.HasPrefix(s.unquoted, "Name\tStreet_Address") || s.base == "dpl.txt"
		},
		parse: ParseBIS,
	},
	{
		name: FormatFtMSimple, title: "OpenSanctions targets.simple.csv",
		detect: func(s *sniff) bool {
			return strings.HasPrefix(s.base, "targets.simple") || strings.HasPrefix(s.unquoted, "id,schema,name,aliases")
		},
		parse: ParseFtMSimple,
	},
	{
		name: FormatFtM, title: "OpenSanctions FollowTheMoney JSON lines (entities.ftm.json, targets.nested.json)",
		detect: func(s *sniff) bool {
			return strings.HasSuffix(s.base, ".ftm.json") || (s.first == '{' && s.has(`"schema"`) && s.has(`"properties"`))
		},
		parse: ParseFtM,
	},
	{
		name: FormatOwnJSON, title: "the project's own format, JSON", own: true,
		detect: func(s *sniff) bool { return strings.HasSuffix(s.base, ".json") || s.first == '{' || s.first == '[' },
		parse:  ParseOwnJSON,
	},
	{
		name: FormatOwnYAML, title: "the project's own format, YAML", own: true,
		detect: func(s *sniff) bool { return strings.HasSuffix(s.base, ".yaml") || strings.HasSuffix(s.base, ".yml") },
		parse:  ParseOwnYAML,
	},
	{
		name: FormatOwnCSV, title: "the project's own format, CSV", own: true,
		detect: func(s *sniff) bool { return strings.HasSuffix(s.base, ".csv") && ownCSVHeader(s.firstLine) },
		parse:  ParseOwnCSV,
	},
	{
		name: FormatOFACSDN, title: "OFAC SDN CSV set: sdn.csv with add.csv, alt.csv and sdn_comments.csv beside it",
		names:  []string{"sdn.csv", "sdn_comments.csv"},
		detect: func(s *sniff) bool { return looksLikeOFACCSV(s.firstLine) },
		parse: func(ctx context.Context, r io.Reader, name string) (*entity.List, error) {
			return ParseOFACCSV(ctx, OFACFiles{Main: r, MainName: name}, false)
		},
		load:    func(ctx context.Context, path string) (*entity.List, error) { return loadOFACCSV(ctx, path, false) },
		dirMain: "sdn.csv",
	},
	{
		name: FormatOFACCons, title: "OFAC consolidated (non-SDN) CSV set: cons_prim.csv with cons_add.csv, cons_alt.csv and cons_comments.csv",
		names: []string{"cons_prim.csv"},
		parse: func(ctx context.Context, r io.Reader, name string) (*entity.List, error) {
			return ParseOFACCSV(ctx, OFACFiles{Main: r, MainName: name}, true)
		},
		load:    func(ctx context.Context, path string) (*entity.List, error) { return loadOFACCSV(ctx, path, true) },
		dirMain: "cons_prim.csv",
	},
}

// lookup returns the registry entry of a format name.
func lookup(name string) (*format, bool) {
	for i := range registry {
		if registry[i].name == name {
			return &registry[i], true
		}
	}
	return nil, false
}

// sniff is what format detection looks at: a file's base name and its
// first bytes.
type sniff struct {
	// base is the base name, lower case.
	base string
	// head is the first bytes, a UTF-8 byte-order mark removed.
	head []byte
	// first is the first byte that is not white space (0 when none).
	first byte
	// firstLine is head's first line; unquoted is it without '"'.
	firstLine, unquoted string
}

// newSniff prepares detection of a file by its base name and first bytes.
func newSniff(base string, head []byte) *sniff {
	s := &sniff{base: strings.ToLower(base), head: bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))}
	if t := bytes.TrimSpace(s.head); len(t) > 0 {
		s.first = t[0]
	}
	s.firstLine = string(s.head)
	if i := strings.IndexAny(s.firstLine, "\r\n"); i >= 0 {
		s.firstLine = s.firstLine[:i]
	}
	s.unquoted = strings.ReplaceAll(s.firstLine, `"`, "")
	return s
}

// has reports whether the first bytes contain sub.
func (s *sniff) has(sub string) bool { return bytes.Contains(s.head, []byte(sub)) }

// looksLikeOFACCSV reports whether line looks like an sdn.csv row: a number,
// a quoted name and twelve fields.
func looksLikeOFACCSV(line string) bool {
	i := strings.IndexByte(line, ',')
	if i <= 0 {
		return false
	}
	for _, r := range line[:i] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return strings.HasPrefix(line[i+1:], `"`) && strings.Count(line, "-0-") >= 3
}

// ownCSVHeader reports whether line is a header of the own CSV format.
func ownCSVHeader(line string) bool {
	r := bufio.NewReader(strings.NewReader(line))
	s, _ := r.ReadString('\n')
	cols := strings.Split(strings.ToLower(strings.TrimSpace(s)), ",")
	hasID, hasName := false, false
	for _, c := range cols {
		switch strings.Trim(c, `" `) {
		case "id":
			hasID = true
		case "name":
			hasName = true
		}
	}
	return hasID && hasName
}
