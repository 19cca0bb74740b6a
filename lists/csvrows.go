package lists

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrTruncated is wrapped by parse errors for a list file that ends where
// its format cannot end: inside a quoted field, or (for formats that end
// every line with a newline) in the middle of a line.
var ErrTruncated = errors.New("truncated file")

// dosEOF is the end-of-file byte (Ctrl-Z) that OFAC writes after the last
// line of its CSV files.
const dosEOF = 0x1a

// csvFile is a CSV list file: a csv.Reader over a watch on the raw bytes,
// which tells at the end whether the file was cut.
type csvFile struct {
	*csv.Reader
	end *csvEnd
}

// newCSVFile returns a CSV reader of r with the given field separator.
// lineEnds says that the format ends every line, the last one included,
// with a newline, so that a last line without one is a cut.
func newCSVFile(r io.Reader, comma rune, lineEnds bool) csvFile {
	end := &csvEnd{r: r, comma: byte(comma), lineEnds: lineEnds, fieldStart: true, line: 1}
	cr := csv.NewReader(end)
	cr.Comma = comma
	return csvFile{Reader: cr, end: end}
}

// csvRows passes the rows of a CSV list file to fn with their line numbers,
// checking ctx every 1,024 rows and skipping blank lines (and a DOS
// end-of-file byte). It refuses a file that was cut (ErrTruncated):
// encoding/csv accepts a quoted field that the end of the file leaves open,
// and a last line without its newline. The loop reads one row ahead, so
// that the last row of a cut file is reported as the cut it is rather than
// as a row with missing fields. Read errors are wrapped with the file name;
// errors from fn are returned as they are.
func csvRows(ctx context.Context, f csvFile, name string, fn func(line int, rec []string) error) error {
	var pending []string
	pendingLine := 0
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, err := f.Read()
		if errors.Is(err, io.EOF) {
			if err := f.end.check(name); err != nil {
				return err
			}
			if pending != nil {
				return fn(pendingLine, pending)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("parse %s: %w", name, err)
		}
		line, _ := f.FieldPos(0)
		if len(rec) == 1 && strings.Trim(rec[0], "\x1a \t\r\n") == "" {
			continue
		}
		if pending != nil {
			if err := fn(pendingLine, pending); err != nil {
				return err
			}
		}
		if f.ReuseRecord {
			// The next Read overwrites rec's backing array.
			pending = append(pending[:0], rec...)
		} else {
			pending = rec
		}
		pendingLine = line
	}
}

// csvWidthError reports a row whose field count differs from the header's.
func csvWidthError(name string, line, got, want int) error {
	return fmt.Errorf("parse %s: line %d: %d fields, want %d as in the header", name, line, got, want)
}

// csvEnd passes the bytes of a CSV file through and follows its quoting the
// way encoding/csv reads it (with or without LazyQuotes): a field is quoted
// when it starts with a quote, and ends at a quote followed by the
// separator, a line end or the end of the file; a doubled quote is a quote,
// and (lazily) a quote followed by anything else is a quote too.
type csvEnd struct {
	r        io.Reader
	comma    byte
	lineEnds bool

	n            int64 // bytes read
	line         int   // current line number (1-based)
	fieldStart   bool  // the next byte starts a field
	inQuotes     bool  // inside a quoted field
	quotePending bool  // inside a quoted field, just after a quote
	quoteCR      bool  // inside a quoted field, just after a quote and a CR
	crPending    bool  // just after a carriage return outside quotes
	quoteLine    int   // line on which the open quoted field started
	last, prev   byte  // the last two bytes read
	eof          bool  // the reader reported the end of the file
}

// Read reads from the file and follows the bytes read.
func (e *csvEnd) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	for _, c := range p[:n] {
		e.step(c)
	}
	e.n += int64(n)
	if errors.Is(err, io.EOF) {
		e.eof = true
	}
	return n, err
}

// step follows one byte.
func (e *csvEnd) step(c byte) {
	e.prev, e.last = e.last, c
	if c == '\n' {
		e.line++
	}
	if e.inQuotes {
		if e.quoteCR {
			e.quoteCR = false
			if c == '\n' { // `"\r\n` ends the record
				e.inQuotes, e.fieldStart = false, true
				return
			}
			// `"\r` and more: a lazy quote and a CR, still inside.
		}
		if e.quotePending {
			e.quotePending = false
			switch c {
			case '"': // a doubled quote: still inside
				return
			case e.comma:
				e.inQuotes, e.fieldStart = false, true
				return
			case '\n':
				e.inQuotes, e.fieldStart = false, true
				return
			case '\r':
				e.quoteCR = true
				return
			}
			// A lazy quote inside a quoted field: data, still inside.
		}
		if c == '"' {
			e.quotePending = true
		}
		return
	}
	if e.crPending {
		e.crPending = false
		if c == '\n' {
			e.fieldStart = true
			return
		}
		e.fieldStart = false
	}
	switch {
	case c == '"' && e.fieldStart:
		e.inQuotes, e.fieldStart, e.quoteLine = true, false, e.line
	case c == e.comma || c == '\n':
		e.fieldStart = true
	case c == '\r':
		e.crPending = true
	default:
		e.fieldStart = false
	}
}

// check reports how the file ends: an error wrapping ErrTruncated when it
// ends inside a quoted field or, for formats that end every line with a
// newline, in the middle of a line. An empty file is not cut.
func (e *csvEnd) check(name string) error {
	if !e.eof {
		// The reader stopped early: this cannot tell how the file ends.
		return nil
	}
	if e.inQuotes && !e.quotePending && !e.quoteCR {
		return fmt.Errorf("parse %s: %w: the file ends inside a quoted field that starts on line %d", name, ErrTruncated, e.quoteLine)
	}
	if e.lineEnds && e.n > 0 {
		last := e.last
		if last == dosEOF {
			last = e.prev
			if e.n == 1 {
				last = '\n'
			}
		}
		if last != '\n' {
			return fmt.Errorf("parse %s: %w: the last line (line %d) has no line end, and this format ends every line with one", name, ErrTruncated, e.line)
		}
	}
	return nil
}
