package input

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/screen-compliance/screen/record"
)

// column is one input column as understood.
type column struct {
	header string
	// field is the canonical field of the column, "" when it is ignored.
	field string
}

// layout is an understood header: the columns, the row shape and where each
// field is.
type layout struct {
	cols    []column
	shape   string
	at      map[string]int
	mapping Mapping
}

// usedBy reports whether field f is read from rows of the given shape.
func usedBy(f, shape string) bool {
	switch f {
	case FieldID, FieldDate, FieldIMO:
		return true
	}
	if shape == ShapeParty {
		return isPartyOnly(f)
	}
	if _, ok := roleOfCountry(f); ok {
		return true
	}
	return isRole(f) || isGoods(f) || isRoute(f)
}

// detectShape tells the row shape from the fields present: party columns
// make shipment rows; else a name column makes party rows; else goods columns
// make (goods-only) shipment rows.
func detectShape(fields []string) string {
	hasName, hasGoods := false, false
	for _, f := range fields {
		switch {
		case isRole(f):
			return ShapeShipment
		case f == FieldName:
			hasName = true
		case isGoods(f):
			hasGoods = true
		}
	}
	if hasName {
		return ShapeParty
	}
	if hasGoods {
		return ShapeShipment
	}
	return ""
}

// findHeader returns the index of the header the user named: exact, then
// case-insensitive, then normalised match; -1 when there is none.
func findHeader(headers []string, want string) int {
	want = strings.TrimSpace(want)
	for i, h := range headers {
		if strings.TrimSpace(h) == want {
			return i
		}
	}
	for i, h := range headers {
		if strings.EqualFold(strings.TrimSpace(h), want) {
			return i
		}
	}
	nw := normalizeHeader(want)
	for i, h := range headers {
		if nw != "" && normalizeHeader(h) == nw {
			return i
		}
	}
	return -1
}

// newLayout understands a header. user maps canonical fields to the user's
// headers (already resolved to canonical keys); when strict, a user header
// missing from the header is an error, else it is noted in the mapping.
func newLayout(headers []string, user map[string]string, strict bool) (*layout, error) {
	l := &layout{cols: make([]column, len(headers)), at: map[string]int{}}
	notes := make([]string, len(headers))
	for i, h := range headers {
		l.cols[i] = column{header: h, field: lookupField(h)}
		if strings.TrimSpace(h) == "" {
			l.cols[i].header = fmt.Sprintf("column %d", i+1)
		}
	}
	fields := make([]string, 0, len(user))
	for f := range user {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	byUser := map[int]string{}
	var missing []ColumnMap
	for _, f := range fields {
		h := user[f]
		j := findHeader(headers, h)
		if j < 0 {
			if strict {
				return nil, fmt.Errorf("--columns %s=%q: no such column (columns: %s)", f, h, quoteList(headers))
			}
			missing = append(missing, ColumnMap{Header: h, Field: f, Note: "from --columns; not in the first object"})
			continue
		}
		if prev, dup := byUser[j]; dup {
			return nil, fmt.Errorf("--columns maps both %s and %s to column %q", prev, f, headers[j])
		}
		byUser[j] = f
		for i := range l.cols {
			if _, set := byUser[i]; !set && l.cols[i].field == f {
				l.cols[i].field = ""
				notes[i] = fmt.Sprintf("--columns maps %s to %q", f, h)
			}
		}
		l.cols[j].field = f
		notes[j] = "from --columns"
	}
	present := make([]string, 0, len(l.cols))
	for _, c := range l.cols {
		if c.field != "" {
			present = append(present, c.field)
		}
	}
	l.shape = detectShape(present)
	for i, c := range l.cols {
		switch {
		case c.field == "":
			if notes[i] == "" {
				notes[i] = "unknown column"
			}
		case l.shape != "" && !usedBy(c.field, l.shape):
			notes[i] = fmt.Sprintf("%s column, not used in %s rows", c.field, l.shape)
			l.cols[i].field = ""
		default:
			if j, dup := l.at[c.field]; dup {
				notes[i] = fmt.Sprintf("%s is already read from column %q", c.field, l.cols[j].header)
				l.cols[i].field = ""
				continue
			}
			l.at[c.field] = i
		}
	}
	l.mapping.Shape = l.shape
	l.mapping.Columns = make([]ColumnMap, len(l.cols))
	for i, c := range l.cols {
		l.mapping.Columns[i] = ColumnMap{Header: c.header, Field: c.field, Note: notes[i]}
	}
	l.mapping.Columns = append(l.mapping.Columns, missing...)
	return l, nil
}

// noShapeError explains a header from which no row shape can be told.
func noShapeError(headers []string) error {
	return fmt.Errorf("no known columns in %s: a party file needs a name column; a shipment file party columns "+
		"(shipper, consignee, notify_party, buyer, seller, manufacturer, carrier, vessel) or goods columns "+
		"(hs_code, description); map yours with --columns FIELD=HEADER", quoteList(headers))
}

func quoteList(ss []string) string {
	const max = 12
	q := make([]string, 0, min(len(ss), max)+1)
	for i, s := range ss {
		if i == max {
			q = append(q, fmt.Sprintf("... (%d more)", len(ss)-max))
			break
		}
		q = append(q, fmt.Sprintf("%q", s))
	}
	if len(q) == 0 {
		return "an empty header"
	}
	return strings.Join(q, ", ")
}

// get returns the trimmed value of field f in vals, or "".
func (l *layout) get(vals []string, f string) string {
	i, ok := l.at[f]
	if !ok || i >= len(vals) {
		return ""
	}
	return strings.TrimSpace(vals[i])
}

// header returns the name of column i (also beyond the header).
func (l *layout) header(i int) string {
	if i < len(l.cols) {
		return l.cols[i].header
	}
	return fmt.Sprintf("column %d", i+1)
}

// fill sets rec's fields, id, date, parties, goods and route from one row.
// A problem with the row is returned as a *rowError; rec.Fields is set even
// then.
func (l *layout) fill(rec *record.Record, vals []string) *rowError {
	rec.Fields = make([]record.Field, len(vals))
	var bad *rowError
	for i, v := range vals {
		if !utf8.ValidString(v) {
			if bad == nil {
				bad = &rowError{col: i, msg: "invalid UTF-8 (save the file as UTF-8)"}
			}
			v = strings.ToValidUTF8(v, "\uFFFD")
		}
		rec.Fields[i] = record.Field{Column: l.header(i), Value: v}
	}
	rec.ID = strings.ToValidUTF8(l.get(vals, FieldID), "\uFFFD")
	if bad != nil {
		return bad
	}
	rec.Date = l.get(vals, FieldDate)
	if l.shape == ShapeParty {
		return l.fillParty(rec, vals)
	}
	return l.fillShipment(rec, vals)
}

func (l *layout) fillParty(rec *record.Record, vals []string) *rowError {
	kind, ok := kindOf(l.get(vals, FieldType))
	if !ok {
		return &rowError{col: l.colOf(FieldType), msg: record.UnknownKindMessage(l.get(vals, FieldType))}
	}
	p := record.Party{
		Role:     record.RoleParty,
		Name:     oneSpace(l.get(vals, FieldName)),
		Kind:     kind,
		Country:  l.get(vals, FieldCountry),
		DOB:      l.get(vals, FieldDOB),
		IDNumber: l.get(vals, FieldIDNumber),
		IMO:      normalizeIMO(l.get(vals, FieldIMO)),
	}
	if p.Kind == "" && p.IMO != "" {
		p.Kind = "vessel"
	}
	if p.Name == "" && p.IMO == "" && p.IDNumber == "" {
		return &rowError{col: l.colOf(FieldName), msg: "no name, id_number or imo: nothing to screen"}
	}
	if e := l.checkCountry(vals, FieldCountry); e != nil {
		return e
	}
	rec.Parties = []record.Party{p}
	return nil
}

// checkCountry fails a row whose field f holds something that is not a
// country (a placeholder such as "N/A" is no country, and allowed).
func (l *layout) checkCountry(vals []string, f string) *rowError {
	if v := l.get(vals, f); !record.KnownCountry(v) {
		return &rowError{col: l.colOf(f), msg: record.UnknownCountryMessage(v)}
	}
	return nil
}

func (l *layout) colOf(f string) int {
	if i, ok := l.at[f]; ok {
		return i
	}
	return -1
}

func (l *layout) fillShipment(rec *record.Record, vals []string) *rowError {
	n := 0
	for _, role := range roles {
		if l.get(vals, role) != "" || (role == record.RoleVessel && l.get(vals, FieldIMO) != "") {
			n++
		}
	}
	if n > 0 {
		rec.Parties = make([]record.Party, 0, n)
	}
	for _, role := range roles {
		name := oneSpace(l.get(vals, role))
		country := l.get(vals, role+"_country")
		if role == record.RoleVessel {
			imo := normalizeIMO(l.get(vals, FieldIMO))
			if name != "" || imo != "" {
				rec.Parties = append(rec.Parties, record.Party{Role: role, Name: name, Kind: "vessel", Country: country, IMO: imo})
			}
			continue
		}
		if name != "" {
			rec.Parties = append(rec.Parties, record.Party{Role: role, Name: name, Country: country})
		}
	}
	rec.Goods = l.goods(vals)
	rec.Route = record.Route{
		Origin:          l.get(vals, FieldOrigin),
		Destination:     l.get(vals, FieldDestination),
		PortOfLoading:   l.get(vals, FieldPOL),
		PortOfDischarge: l.get(vals, FieldPOD),
		Transshipment:   splitList(l.get(vals, FieldVia), ";,|>→"),
	}
	if len(rec.Parties) == 0 && len(rec.Goods) == 0 {
		return &rowError{col: -1, msg: "no party names and no goods (all party and goods cells are empty)"}
	}
	for _, f := range countryFields {
		if e := l.checkCountry(vals, f); e != nil {
			return e
		}
	}
	return nil
}

// countryFields are the shipment fields that hold a country, in column check
// order.
var countryFields = func() []string {
	fs := []string{FieldOrigin, FieldDestination}
	for _, r := range roles {
		fs = append(fs, r+"_country")
	}
	return fs
}()

// goods builds the goods lines of a row. Several HS codes in one cell
// (separated by ; | or line breaks) make several lines; description,
// quantity and value are split the same way when their counts agree, else
// they stay whole on the first line. A single unit or currency applies to
// every line.
func (l *layout) goods(vals []string) []record.GoodsLine {
	hs := splitList(l.get(vals, FieldHSCode), ";|\n")
	desc := l.get(vals, FieldDescription)
	qty := l.get(vals, FieldQuantity)
	unit := l.get(vals, FieldUnit)
	value := l.get(vals, FieldValue)
	cur := l.get(vals, FieldCurrency)
	if len(hs) <= 1 {
		g := record.GoodsLine{Description: desc, Quantity: qty, Unit: unit, Value: value, Currency: cur}
		if len(hs) == 1 {
			g.HS = padHS(hs[0])
		}
		if g == (record.GoodsLine{}) {
			return nil
		}
		return []record.GoodsLine{g}
	}
	n := len(hs)
	const seps = ";|\n"
	// per splits a cell across the lines when its count agrees; otherwise the
	// whole cell goes on the first line, or on every line when shared.
	per := func(cell string, shared bool) func(i int) string {
		parts := splitList(cell, seps)
		return func(i int) string {
			switch {
			case len(parts) == n:
				return parts[i]
			case shared && !strings.ContainsAny(cell, seps):
				return cell
			case i == 0:
				return cell
			}
			return ""
		}
	}
	d, q, v := per(desc, false), per(qty, false), per(value, false)
	u, c := per(unit, true), per(cur, true)
	lines := make([]record.GoodsLine, n)
	for i := range n {
		lines[i] = record.GoodsLine{HS: padHS(hs[i]), Description: d(i), Quantity: q(i), Value: v(i), Unit: u(i), Currency: c(i)}
	}
	return lines
}

// oneSpace collapses runs of white space (line breaks of multi-line cells
// included) in a name to one space.
func oneSpace(s string) string {
	if !strings.ContainsAny(s, "\n\r\t\v\f\u00a0") && !strings.Contains(s, "  ") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// splitList splits s at any of the separator runes, trimming parts and
// dropping empty ones.
func splitList(s, seps string) []string {
	if s == "" {
		return nil
	}
	fields := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) })
	out := fields[:0]
	for _, f := range fields {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// padHS restores what a spreadsheet drops from HS codes stored as numbers:
// the leading zero of chapters 01-09 (an all-digit code of 3, 5, 7 or 9
// digits: "302" → "0302"; "302.10" → "0302.10") and the trailing zero of a
// subheading ("2818.2" → "2818.20").
func padHS(hs string) string {
	head, tail, dotted := strings.Cut(hs, ".")
	if !allDigits(head) || (dotted && !allDigits(tail)) {
		return hs
	}
	if !dotted {
		switch len(hs) {
		case 3, 5, 7, 9:
			return "0" + hs
		}
		return hs
	}
	if len(head) == 3 {
		head = "0" + head
	}
	if len(head) == 4 && len(tail) == 1 {
		tail += "0"
	}
	return head + "." + tail
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// normalizeIMO reduces "IMO 9123456", "IMO: 9123456" or "9123456.0" to the
// digits; other text is kept as given.
func normalizeIMO(s string) string {
	t := strings.TrimSpace(s)
	if len(t) >= 3 && strings.EqualFold(t[:3], "imo") {
		t = strings.TrimLeft(t[3:], " :#.-")
	}
	t = strings.TrimSuffix(t, ".0")
	if allDigits(t) {
		return t
	}
	return strings.TrimSpace(s)
}
