// Package lists reads the official sanctions list formats (UN, OFAC, EU,
// UK, BIS, OpenSanctions FollowTheMoney, the project's own format) into the
// entity model of package entity, and holds the built-in sample list.
package lists

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
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

// Official reports whether a format is a published sanctions list (every
// format but the project's own JSON, YAML and CSV): such a list with no
// entities is a sign of a truncated or broken file.
func Official(format string) bool {
	switch format {
	case FormatOwnJSON, FormatOwnYAML, FormatOwnCSV:
		return false
	}
	_, known := parsers()[format]
	return known
}

// parseFunc parses one list from its main file. dir-based formats (OFAC CSV)
// read their companion files beside path.
type parseFunc func(ctx context.Context, path string) (*entity.List, error)

// parsers returns the parser of every supported format. It builds a fresh
// map on each call so that no package-level state can be mutated.
func parsers() map[string]parseFunc {
	return map[string]parseFunc{
		FormatUN:        streamParser(ParseUN),
		FormatOFACSDN:   func(ctx context.Context, p string) (*entity.List, error) { return loadOFACCSV(ctx, p, false) },
		FormatOFACCons:  func(ctx context.Context, p string) (*entity.List, error) { return loadOFACCSV(ctx, p, true) },
		FormatOwnJSON:   streamParser(ParseOwnJSON),
		FormatOwnYAML:   streamParser(ParseOwnYAML),
		FormatOwnCSV:    streamParser(ParseOwnCSV),
		FormatOFACXML:   streamParser(ParseOFACXML),
		FormatEU:        streamParser(ParseEU),
		FormatUK:        streamParser(ParseUK),
		FormatBIS:       streamParser(ParseBIS),
		FormatFtM:       streamParser(ParseFtM),
		FormatFtMSimple: streamParser(ParseFtMSimple),
	}
}

// streamParser adapts a single-stream parser to a file path, recording the
// file's digest in the list metadata.
func streamParser(parse func(ctx context.Context, r io.Reader, name string) (*entity.List, error)) parseFunc {
	return func(ctx context.Context, path string) (*entity.List, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		h := sha256.New()
		l, err := parse(ctx, io.TeeReader(f, h), path)
		if err != nil {
			return nil, err
		}
		// Drain what the parser did not read so the digest covers the file.
		if _, err := io.Copy(h, f); err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		l.Meta.Files = append([]entity.FileDigest{{Path: path, SHA256: hex.EncodeToString(h.Sum(nil))}}, l.Meta.Files...)
		if l.Meta.Version == "" {
			l.Meta.Version = "sha256:" + l.Meta.Files[0].SHA256[:12]
		}
		return l, nil
	}
}

// Formats returns the names of the supported list formats, sorted.
func Formats() []string {
	ps := parsers()
	out := make([]string, 0, len(ps))
	for k := range ps {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Load reads one list file (or, for the OFAC CSV sets, the main file or the
// directory holding it) in the given format; format "" detects it from the
// file name and content. The list is validated before it is returned, and its
// metadata carries the version, the sha256 of every file read and the counts
// by kind.
func Load(ctx context.Context, path string, format string) (*entity.List, error) {
	if format == "" {
		f, err := DetectFormat(path)
		if err != nil {
			return nil, err
		}
		format = f
	}
	p, ok := parsers()[format]
	if !ok {
		return nil, fmt.Errorf("load %s: unknown format %q (known: %s)", path, format, strings.Join(Formats(), ", "))
	}
	if fi, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	} else if fi.IsDir() && format != FormatOFACSDN && format != FormatOFACCons {
		return nil, fmt.Errorf("load %s: is a directory", path)
	}
	l, err := p(ctx, path)
	if err != nil {
		if strings.Contains(err.Error(), path) {
			return nil, err
		}
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	l.Count()
	return l, nil
}

// Parse reads a single-stream list format from r; name is used in error
// messages and metadata. The OFAC CSV sets span several files: use Load.
func Parse(ctx context.Context, r io.Reader, format, name string) (*entity.List, error) {
	var parse func(context.Context, io.Reader, string) (*entity.List, error)
	switch format {
	case FormatUN:
		parse = ParseUN
	case FormatOFACSDN:
		parse = func(ctx context.Context, r io.Reader, name string) (*entity.List, error) {
			return ParseOFACCSV(ctx, OFACFiles{Main: r, MainName: name}, false)
		}
	case FormatOFACCons:
		parse = func(ctx context.Context, r io.Reader, name string) (*entity.List, error) {
			return ParseOFACCSV(ctx, OFACFiles{Main: r, MainName: name}, true)
		}
	case FormatOwnJSON:
		parse = ParseOwnJSON
	case FormatOwnYAML:
		parse = ParseOwnYAML
	case FormatOwnCSV:
		parse = ParseOwnCSV
	case FormatOFACXML:
		parse = ParseOFACXML
	case FormatEU:
		parse = ParseEU
	case FormatUK:
		parse = ParseUK
	case FormatBIS:
		parse = ParseBIS
	case FormatFtM:
		parse = ParseFtM
	case FormatFtMSimple:
		parse = ParseFtMSimple
	default:
		return nil, fmt.Errorf("parse %s: unknown format %q (known: %s)", name, format, strings.Join(Formats(), ", "))
	}
	l, err := parse(ctx, r, name)
	if err != nil {
		return nil, err
	}
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	l.Count()
	return l, nil
}

// ErrUnknownFormat is returned by DetectFormat when neither the name nor the
// content of a file identifies its format.
var ErrUnknownFormat = errors.New("unknown list format")

// DetectFormat guesses the format of a list file (or directory) from its name
// and its first few kilobytes.
func DetectFormat(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("detect format of %s: %w", path, err)
	}
	if fi.IsDir() {
		for _, c := range []struct{ file, format string }{
			{"sdn.csv", FormatOFACSDN}, {"SDN.CSV", FormatOFACSDN},
			{"cons_prim.csv", FormatOFACCons}, {"CONS_PRIM.CSV", FormatOFACCons},
		} {
			if _, err := os.Stat(filepath.Join(path, c.file)); err == nil {
				return c.format, nil
			}
		}
		return "", fmt.Errorf("detect format of %s: directory holds no sdn.csv or cons_prim.csv: %w", path, ErrUnknownFormat)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("detect format of %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, 8192)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("detect format of %s: %w", path, err)
	}
	if format := DetectFormatBytes(filepath.Base(path), head[:n]); format != "" {
		return format, nil
	}
	return "", fmt.Errorf("detect format of %s: %w (pass a format; known: %s)", path, ErrUnknownFormat, strings.Join(Formats(), ", "))
}

// DetectFormatBytes guesses a format from a file's base name and its first
// bytes; it returns "" when it cannot tell.
func DetectFormatBytes(base string, head []byte) string {
	lower := strings.ToLower(base)
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(head)
	switch {
	case lower == "sdn.csv" || lower == "sdn_comments.csv":
		return FormatOFACSDN
	case lower == "cons_prim.csv":
		return FormatOFACCons
	case bytes.Contains(head, []byte("<CONSOLIDATED_LIST")):
		return FormatUN
	case bytes.Contains(head, []byte("<Sanctions")) && bytes.Contains(head, []byte("ReferenceValueSets")):
		return FormatOFACXML
	case bytes.Contains(head, []byte("<export")) && (bytes.Contains(head, []byte("sanctionEntity")) || bytes.Contains(head, []byte("fsd/export"))):
		return FormatEU
	case bytes.Contains(head, []byte("<Designations")) || bytes.Contains(head, []byte("<ArrayOfFinancialSanctionsTarget")):
		return FormatUK
	}
	if len(trimmed) > 0 && trimmed[0] == '<' {
		return ""
	}
	firstLine := string(head)
	if i := strings.IndexAny(firstLine, "\r\n"); i >= 0 {
		firstLine = firstLine[:i]
	}
	unquoted := strings.ReplaceAll(firstLine, `"`, "")
	switch {
	case strings.HasPrefix(unquoted, "Name\tStreet_Address") || (lower == "dpl.txt"):
		return FormatBIS
	case strings.HasPrefix(lower, "targets.simple") || strings.HasPrefix(unquoted, "id,schema,name,aliases"):
		return FormatFtMSimple
	case strings.HasSuffix(lower, ".ftm.json") || (len(trimmed) > 0 && trimmed[0] == '{' && bytes.Contains(head, []byte(`"schema"`)) && bytes.Contains(head, []byte(`"properties"`))):
		return FormatFtM
	case strings.HasSuffix(lower, ".json") || (len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')):
		return FormatOwnJSON
	case strings.HasSuffix(lower, ".yaml") || strings.HasSuffix(lower, ".yml"):
		return FormatOwnYAML
	case strings.HasSuffix(lower, ".csv") && ownCSVHeader(firstLine):
		return FormatOwnCSV
	case looksLikeOFACCSV(firstLine):
		return FormatOFACSDN
	}
	return ""
}

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
