package input

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// rowError is a malformed row: the row is reported and reading goes on.
type rowError struct {
	line int
	// col is the 0-based column the problem is in, or -1.
	col int
	msg string
}

func (e *rowError) Error() string { return e.msg }

// csvParser splits delimited text into records (RFC 4180: fields may be
// quoted with ", a quote inside a quoted field is doubled, quoted fields may
// span lines). A quote inside an unquoted field is taken literally.
//
// A malformed record yields a *rowError and parsing resumes: when a quoted
// field never closes (at the end of the input or within the row size limit),
// the record's first line is reported and the lines after it are read again
// as new records, so one stray quote costs one row.
type csvParser struct {
	lr    *lineReader
	delim byte
	max   int
	// field holds the bytes of every field of the record read so far,
	// back to back; ends the end offset of each field.
	field []byte
	ends  []int
	cells []string
}

func newCSVParser(br *bufio.Reader, delim byte, max int) *csvParser {
	return &csvParser{lr: newLineReader(br, max), delim: delim, max: max}
}

type csvState int

const (
	stFieldStart csvState = iota
	stUnquoted
	stQuoted
	stQuoteInQuoted
)

// read returns the next record's cells (valid until the next call) and the
// line it starts on. It returns io.EOF at the end of the input, a *rowError
// for a malformed record, or another error when the input cannot be read.
func (p *csvParser) read() ([]string, int, error) {
	first, err := p.lr.next()
	if err != nil {
		return nil, 0, err
	}
	start := first.n
	if first.tooLong {
		return nil, start, &rowError{line: start, col: -1, msg: fmt.Sprintf("line longer than %s", sizeString(p.max))}
	}
	p.ends = p.ends[:0]
	p.field = p.field[:0]
	var held []line // lines after the first, kept to be read again
	state := stFieldStart
	quoteCol := 0
	total := 0
	ln := first
	for {
		total += len(ln.b) + 1
		b := ln.b
		for i := 0; i < len(b); i++ {
			c := b[i]
			switch state {
			case stFieldStart:
				switch c {
				case '"':
					state = stQuoted
					quoteCol = len(p.ends)
				case p.delim:
					p.endField()
				default:
					p.field = append(p.field, c)
					state = stUnquoted
				}
			case stUnquoted:
				if c == p.delim {
					p.endField()
					state = stFieldStart
				} else {
					p.field = append(p.field, c)
				}
			case stQuoted:
				if c == '"' {
					state = stQuoteInQuoted
				} else {
					p.field = append(p.field, c)
				}
			case stQuoteInQuoted:
				switch c {
				case '"':
					p.field = append(p.field, '"')
					state = stQuoted
				case p.delim:
					p.endField()
					state = stFieldStart
				default:
					col := len(p.ends)
					if len(held) > 0 {
						// The quote probably opened on the first line and never
						// closed where it should: report that line, reread the rest.
						p.lr.unread(held)
						return nil, start, &rowError{line: start, col: quoteCol,
							msg: fmt.Sprintf("quoted field is not closed before line %d (unexpected %q after a quote there)", ln.n, c)}
					}
					return nil, start, &rowError{line: start, col: col,
						msg: fmt.Sprintf("unexpected %q after a closing quote (a quote inside a quoted field must be doubled)", c)}
				}
			}
		}
		if state != stQuoted {
			p.endField()
			return p.finish(), start, nil
		}
		// Inside a quoted field: the line break belongs to the field.
		if !ln.eol {
			p.lr.unread(held)
			return nil, start, &rowError{line: start, col: quoteCol,
				msg: "quoted field is not closed before the end of the file"}
		}
		next, err := p.lr.next()
		if err == io.EOF {
			p.lr.unread(held)
			return nil, start, &rowError{line: start, col: quoteCol,
				msg: "quoted field is not closed before the end of the file"}
		}
		if err != nil {
			return nil, start, err
		}
		if next.tooLong || total+len(next.b) > p.max {
			p.lr.unread(append(held, keep(next)))
			return nil, start, &rowError{line: start, col: quoteCol,
				msg: fmt.Sprintf("quoted field is not closed within %s", sizeString(p.max))}
		}
		next = keep(next)
		held = append(held, next)
		p.field = append(p.field, '\n')
		ln = next
	}
}

func (p *csvParser) endField() {
	p.ends = append(p.ends, len(p.field))
}

// finish turns the record's bytes into cells, with one allocation for the
// text of all of them.
func (p *csvParser) finish() []string {
	all := string(p.field)
	p.cells = p.cells[:0]
	from := 0
	for _, to := range p.ends {
		p.cells = append(p.cells, all[from:to])
		from = to
	}
	return p.cells
}

// sizeString formats a byte limit for messages ("1 MiB").
func sizeString(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n >= 1<<10 && n%(1<<10) == 0 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// sniffDelimiter picks the delimiter of a delimited-text header line: the most
// frequent of tab, comma, semicolon and pipe outside quotes (comma on a tie).
// allowTab is false for files named .csv.
func sniffDelimiter(head []byte, allowTab bool) byte {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	counts := map[byte]int{}
	inQuote := false
	for _, c := range head {
		switch {
		case c == '"':
			inQuote = !inQuote
		case !inQuote && strings.IndexByte(",;|\t", c) >= 0:
			counts[c]++
		}
	}
	best, n := byte(','), counts[',']
	for _, c := range []byte{';', '|', '\t'} {
		if c == '\t' && !allowTab {
			continue
		}
		if counts[c] > n {
			best, n = c, counts[c]
		}
	}
	return best
}
