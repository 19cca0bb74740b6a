package input

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// The XML of a workbook is read twice: first here, streaming, to check that
// the parts the sheet's values come from (the sheet, the shared strings, the
// styles, the workbook and its relationships) are well-formed to their end
// and within the limits, then by excelize for the values. excelize stops
// without an error at the first damage in a sheet's XML, which would drop
// every row after it silently; a damaged workbook is refused instead, with
// the part, the XML line and the sheet row.

// checkWorkbook checks the parts that the values of sheet come from.
func checkWorkbook(name string, zr *zip.Reader, sheet string, lim XLSXLimits) error {
	parts := openParts(zr)
	book, sheetPart := resolveSheet(parts, sheet)
	check := func(part string, isSheet bool) error {
		f := parts[strings.ToLower(part)]
		if f == nil {
			return nil
		}
		return checkPart(name, f, sheet, isSheet, lim)
	}
	for _, p := range []string{"_rels/.rels", book, relsOf(book), "xl/styles.xml", sharedStringsPart} {
		if err := check(p, false); err != nil {
			return err
		}
	}
	if sheetPart != "" {
		return check(sheetPart, true)
	}
	// The sheet's part could not be told from the workbook: check every
	// worksheet, so that none is read unchecked.
	for _, f := range zr.File {
		p := strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))
		if strings.HasPrefix(p, "xl/worksheets/") && strings.HasSuffix(p, ".xml") {
			if err := checkPart(name, f, sheet, true, lim); err != nil {
				return err
			}
		}
	}
	return nil
}

// relsOf returns the relationships part of a part: xl/workbook.xml →
// xl/_rels/workbook.xml.rels.
func relsOf(part string) string {
	dir, file := path.Split(part)
	return dir + "_rels/" + file + ".rels"
}

// resolveSheet finds the workbook part and the part of the named sheet as
// the package relationships say; the sheet part is "" when it cannot be
// told (a damaged part is reported by the check that follows).
func resolveSheet(parts map[string]*zip.File, sheet string) (book, sheetPart string) {
	book = "xl/workbook.xml"
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if decodePart(parts, "_rels/.rels", &rels) == nil {
		for _, r := range rels.Rel {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				book = resolveTarget("", r.Target)
			}
		}
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"id,attr"`
		} `xml:"sheets>sheet"`
	}
	if decodePart(parts, book, &wb) != nil {
		return book, ""
	}
	id := ""
	for _, s := range wb.Sheets {
		if s.Name == sheet {
			id = s.ID
		}
	}
	rels.Rel = nil
	if id == "" || decodePart(parts, relsOf(book), &rels) != nil {
		return book, ""
	}
	for _, r := range rels.Rel {
		if r.ID == id {
			return book, resolveTarget(path.Dir(book), r.Target)
		}
	}
	return book, ""
}

// resolveTarget resolves a relationship target against the directory of the
// part that names it.
func resolveTarget(dir, target string) string {
	target = strings.ReplaceAll(target, `\`, "/")
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Join("/", dir, target), "/")
}

// decodePart decodes a small part (a workbook or relationships part), read
// through the XML guard.
func decodePart(parts map[string]*zip.File, part string, v any) error {
	f := parts[strings.ToLower(part)]
	if f == nil {
		return fmt.Errorf("no part %s", part)
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(&xmlGuard{r: rc, max: DefaultXLSXCellBytes})
	d.CharsetReader = utf8Only
	return d.Decode(v)
}

// utf8Only accepts the encodings Go's XML decoder reads itself.
func utf8Only(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return in, nil
	}
	return nil, fmt.Errorf("XML encoding %q: save the workbook again from Excel (UTF-8)", label)
}

// checkPart reads one part to its end: it must be well-formed XML with no
// run of text (a cell value) or tag larger than lim.CellBytes and, in a
// sheet, no row larger than lim.RowBytes.
func checkPart(name string, f *zip.File, sheet string, isSheet bool, lim XLSXLimits) error {
	part := strings.ReplaceAll(f.Name, `\`, "/")
	where := "part " + part
	if isSheet {
		where = fmt.Sprintf("sheet %q (%s)", sheet, part)
	}
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("%s: %s: %w", name, where, err)
	}
	defer rc.Close()
	g := &xmlGuard{r: rc, max: lim.CellBytes}
	d := xml.NewDecoder(g)
	d.CharsetReader = utf8Only
	var (
		row, lastRow int   // the row being read (0 outside rows), the last row read
		rowStart     int64 // offset of the row's start tag
	)
	place := func() string {
		switch {
		case !isSheet:
			return ""
		case row > 0:
			return fmt.Sprintf(" in row %d", row)
		case lastRow > 0:
			return fmt.Sprintf(" after row %d", lastRow)
		}
		return " before its first row"
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var (
				big *runTooLong
				se  *xml.SyntaxError
			)
			switch {
			case errors.As(err, &big):
				return fmt.Errorf("%s: %s: %s%s: a cell value or tag larger than %s at byte %d of the part (limit: %s)",
					name, errRefused, where, place(), bytesString(int64(lim.CellBytes)), big.offset, bytesString(int64(lim.CellBytes)))
			case errors.As(err, &se):
				return fmt.Errorf("%s: %s is damaged%s (XML line %d, byte %d): %s; the workbook cannot be read to its end, "+
					"so none of it is screened: open it in Excel and save it again, or export the sheet as CSV",
					name, where, place(), se.Line, d.InputOffset(), se.Msg)
			}
			return fmt.Errorf("%s: %s%s: %w", name, where, place(), err)
		}
		if !isSheet {
			continue
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "row" {
				continue
			}
			row = lastRow + 1
			for _, a := range t.Attr {
				if a.Name.Local == "r" {
					if n, err := strconv.Atoi(a.Value); err == nil && n > 0 {
						row = n
					}
				}
			}
			rowStart = d.InputOffset()
		case xml.EndElement:
			if t.Name.Local != "row" {
				continue
			}
			if d.InputOffset()-rowStart > lim.RowBytes {
				return fmt.Errorf("%s: %s: %s: row %d is larger than %s", name, errRefused, where, row, bytesString(lim.RowBytes))
			}
			lastRow, row = row, 0
		}
	}
}

// runTooLong is the error of an xmlGuard that met a run over its limit.
type runTooLong struct{ offset int64 }

func (e *runTooLong) Error() string {
	return fmt.Sprintf("a text run or tag too long at byte %d", e.offset)
}

// xmlGuard passes XML through and fails it when a run of text, a tag
// (attributes included), a comment, a CDATA section or a processing
// instruction is longer than max bytes, so that the XML decoder above it
// never holds more than that of one token. It knows just enough XML to tell
// these apart; well-formedness is the decoder's job.
type xmlGuard struct {
	r   io.Reader
	max int
	err error
	off int64
	run int
	st  guardState
	// p1 and p2 are the last two bytes, to find "-->", "]]>" and "?>".
	p1, p2 byte
}

type guardState uint8

const (
	gText    guardState = iota
	gOpen               // just after '<'
	gBang               // just after "<!"
	gTag                // in a start or end tag
	gDQ                 // in a "-quoted attribute value
	gSQ                 // in a '-quoted attribute value
	gComment            // in <!-- ... -->
	gCDATA              // in <![CDATA[ ... ]]>
	gDecl               // in <!DOCTYPE ...> and the like
	gPI                 // in <? ... ?>
)

func (g *xmlGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i := 0; i < n; i++ {
		c := p[i]
		g.run++
		switch g.st {
		case gText:
			if c == '<' {
				g.st, g.run = gOpen, 1
			}
		case gOpen:
			switch c {
			case '!':
				g.st = gBang
			case '?':
				g.st = gPI
			case '>':
				g.st, g.run = gText, 0
			default:
				g.st = gTag
			}
		case gBang:
			switch c {
			case '-':
				g.st = gComment
			case '[':
				g.st = gCDATA
			case '>':
				g.st, g.run = gText, 0
			default:
				g.st = gDecl
			}
		case gTag:
			switch c {
			case '"':
				g.st = gDQ
			case '\'':
				g.st = gSQ
			case '>':
				g.st, g.run = gText, 0
			}
		case gDQ:
			if c == '"' {
				g.st = gTag
			}
		case gSQ:
			if c == '\'' {
				g.st = gTag
			}
		case gComment:
			if c == '>' && g.p1 == '-' && g.p2 == '-' && g.run > 6 {
				g.st, g.run = gText, 0
			}
		case gCDATA:
			if c == '>' && g.p1 == ']' && g.p2 == ']' {
				g.st, g.run = gText, 0
			}
		case gDecl:
			if c == '>' {
				g.st, g.run = gText, 0
			}
		case gPI:
			if c == '>' && g.p1 == '?' {
				g.st, g.run = gText, 0
			}
		}
		g.p2, g.p1 = g.p1, c
		if g.run > g.max {
			g.err = &runTooLong{offset: g.off + int64(i)}
			return i, g.err
		}
	}
	g.off += int64(n)
	return n, err
}
