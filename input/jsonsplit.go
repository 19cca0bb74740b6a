package input

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// jsonSplitter cuts a JSON array (or a stream of whitespace-separated values)
// into its top-level elements without decoding them, so that memory stays
// bounded by one element and a malformed element does not end the file.
type jsonSplitter struct {
	br      *bufio.Reader
	max     int
	inArray bool
	// done is set after the closing ] or the end of the input.
	done   bool
	offset int64
	count  int
	buf    []byte
}

// errUnterminated is an element cut off by the end of the input.
var errUnterminated = errors.New("unexpected end of file inside this element (unclosed string, object or array); the rest of the file could not be read")

// newJSONSplitter starts reading br. It returns an error naming what was
// found when the input is not a JSON array or a stream of objects.
func newJSONSplitter(br *bufio.Reader, max int) (*jsonSplitter, error) {
	s := &jsonSplitter{br: br, max: max}
	c, err := s.skipSpace()
	if err == io.EOF {
		return nil, errors.New("empty file")
	}
	if err != nil {
		return nil, err
	}
	switch c {
	case '[':
		s.readByte()
		s.inArray = true
	case '{':
	default:
		return nil, fmt.Errorf("want a JSON array of objects or one object per line, found %s", describeStart(c))
	}
	return s, nil
}

// describeStart names the JSON value that starts with c.
func describeStart(c byte) string {
	switch {
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		return "a number"
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	}
	return fmt.Sprintf("%q (not JSON)", c)
}

func (s *jsonSplitter) readByte() (byte, error) {
	c, err := s.br.ReadByte()
	if err == nil {
		s.offset++
	}
	return c, err
}

// skipSpace skips white space and returns the next byte without reading it.
func (s *jsonSplitter) skipSpace() (byte, error) {
	for {
		b, err := s.br.Peek(1)
		if err != nil {
			return 0, err
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			s.readByte()
		default:
			return b[0], nil
		}
	}
}

// next returns the next element (valid until the next call) and its offset.
// tooBig is set when the element is larger than the limit; its bytes are then
// skipped. It returns io.EOF after the last element, errUnterminated for an
// element cut off by the end of the input, and another error for data that
// is not JSON between elements.
func (s *jsonSplitter) next() (elem []byte, offset int64, tooBig bool, err error) {
	if s.done {
		return nil, 0, false, io.EOF
	}
	c, err := s.skipSpace()
	if s.inArray && s.count > 0 && err == nil && c == ',' {
		s.readByte()
		c, err = s.skipSpace()
	}
	if err == io.EOF {
		s.done = true
		if s.inArray {
			return nil, s.offset, false, fmt.Errorf("offset %d: the array is not closed with ] (the file may be truncated)", s.offset)
		}
		return nil, 0, false, io.EOF
	}
	if err != nil {
		return nil, 0, false, err
	}
	if s.inArray && c == ']' {
		s.readByte()
		s.done = true
		if c, err := s.skipSpace(); err == nil {
			return nil, s.offset, false, fmt.Errorf("offset %d: unexpected %s after the closing ] of the array", s.offset, describeStart(c))
		}
		return nil, 0, false, io.EOF
	}
	start := s.offset
	s.count++
	s.buf = s.buf[:0]
	depth := 0
	inStr, esc := false, false
	add := func(c byte) {
		if len(s.buf) < s.max {
			s.buf = append(s.buf, c)
		} else {
			tooBig = true
		}
	}
	for {
		c, err := s.readByte()
		if err == io.EOF {
			if depth > 0 || inStr {
				s.done = true
				return s.buf, start, tooBig, errUnterminated
			}
			return s.buf, start, tooBig, nil
		}
		if err != nil {
			return nil, start, false, err
		}
		if inStr {
			add(c)
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
				if depth == 0 {
					return s.buf, start, tooBig, nil
				}
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				s.br.UnreadByte()
				s.offset--
				if len(s.buf) == 0 {
					// A stray closing bracket: report it as its own element.
					s.readByte()
					add(c)
				}
				return s.buf, start, tooBig, nil
			}
			depth--
			add(c)
			if depth == 0 {
				return s.buf, start, tooBig, nil
			}
			continue
		case ',', ' ', '\t', '\r', '\n':
			if depth == 0 {
				s.br.UnreadByte()
				s.offset--
				if len(s.buf) == 0 {
					s.readByte()
					add(c)
				}
				return s.buf, start, tooBig, nil
			}
		}
		add(c)
	}
}

// jsonMember is one member of a JSON object, converted to cell text.
type jsonMember struct {
	key   string
	value string
}

// decodeObject decodes one element into its members in document order. A
// string, number, boolean or null member becomes text (numbers as written,
// null as ""); a list of such values becomes "; "-joined text when list is
// true for the key. Anything else is a *rowError naming the member.
func decodeObject(elem []byte, list func(key string) bool) ([]jsonMember, *rowError) {
	dec := json.NewDecoder(bytes.NewReader(elem))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, &rowError{col: -1, msg: "invalid JSON: " + jsonErrText(err)}
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, &rowError{col: -1, msg: fmt.Sprintf("%s where an object is expected", describeStart(firstByte(elem)))}
	}
	var out []jsonMember
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return out, &rowError{col: -1, msg: "invalid JSON: " + jsonErrText(err)}
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return out, &rowError{col: -1, msg: fmt.Sprintf("field %q: invalid JSON: %s", key, jsonErrText(err))}
		}
		v, err := jsonText(raw, list(key))
		if err != nil {
			return out, &rowError{col: -1, msg: fmt.Sprintf("field %q: %v", key, err)}
		}
		out = append(out, jsonMember{key: key, value: v})
	}
	if _, err := dec.Token(); err != nil {
		return out, &rowError{col: -1, msg: "invalid JSON: " + jsonErrText(err)}
	}
	if _, err := dec.Token(); err != io.EOF {
		return out, &rowError{col: -1, msg: "invalid JSON: unexpected data after the object"}
	}
	return out, nil
}

func firstByte(b []byte) byte {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

// jsonErrText shortens encoding/json error texts.
func jsonErrText(err error) string {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return "unexpected end of the element"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// jsonText converts a member value to cell text.
func jsonText(raw json.RawMessage, list bool) (string, error) {
	if !utf8.Valid(raw) {
		return "", errors.New("invalid UTF-8 (save the file as UTF-8)")
	}
	switch c := firstByte(raw); c {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		return s, nil
	case 'n':
		return "", nil
	case '{':
		return "", errors.New("an object where a single value is expected")
	case '[':
		if !list {
			return "", errors.New("a list where a single value is expected")
		}
		var items []any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&items); err != nil {
			return "", err
		}
		parts := make([]string, 0, len(items))
		for _, it := range items {
			switch v := it.(type) {
			case string:
				parts = append(parts, v)
			case json.Number:
				parts = append(parts, v.String())
			case bool:
				parts = append(parts, fmt.Sprint(v))
			case nil:
			default:
				return "", errors.New("a list of objects or lists where text values are expected")
			}
		}
		return strings.Join(parts, "; "), nil
	default:
		return string(bytes.TrimSpace(raw)), nil
	}
}
