package input

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// line is one physical line of input.
type line struct {
	// b is the line without its terminator ("\n" or "\r\n"); it is only valid
	// until the next call to next, unless it came from the pending queue.
	b []byte
	// n is the 1-based line number.
	n int
	// eol is false for a last line that has no terminator.
	eol bool
	// tooLong marks a line longer than the limit; b is then empty.
	tooLong bool
}

// lineReader reads physical lines of at most max bytes. Lines handed back
// with unread are returned again, in order, before new input is read.
type lineReader struct {
	br      *bufio.Reader
	max     int
	n       int
	buf     []byte
	pending []line
}

func newLineReader(br *bufio.Reader, max int) *lineReader {
	return &lineReader{br: br, max: max}
}

// next returns the next line, or io.EOF at the end of the input.
func (l *lineReader) next() (line, error) {
	if len(l.pending) > 0 {
		ln := l.pending[0]
		l.pending = l.pending[1:]
		return ln, nil
	}
	l.buf = l.buf[:0]
	tooLong := false
	for {
		chunk, err := l.br.ReadSlice('\n')
		if !tooLong {
			if len(l.buf)+len(chunk) > l.max+2 { // +2: the terminator does not count
				tooLong = true
				l.buf = l.buf[:0]
			} else {
				l.buf = append(l.buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return line{}, err
		}
		eof := err != nil
		if eof && len(chunk) == 0 && len(l.buf) == 0 && !tooLong {
			return line{}, io.EOF
		}
		l.n++
		ln := line{n: l.n, eol: !eof, tooLong: tooLong}
		if !tooLong {
			b := l.buf
			if !eof {
				b = bytes.TrimSuffix(b[:len(b)-1], []byte{'\r'})
			}
			ln.b = b
		}
		return ln, nil
	}
}

// unread queues lines to be returned again by next, before any pending ones.
func (l *lineReader) unread(lines []line) {
	if len(lines) == 0 {
		return
	}
	q := make([]line, 0, len(lines)+len(l.pending))
	q = append(q, lines...)
	l.pending = append(q, l.pending...)
}

// keep returns a copy of ln that stays valid after the next read.
func keep(ln line) line {
	ln.b = bytes.Clone(ln.b)
	return ln
}
