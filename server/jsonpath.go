package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// documentPath names the whole request document in messages.
const documentPath = "(the document)"

// jsonWalk calls visit for every token of a well-formed prefix of body with
// the path of the value (or key) it belongs to, the token, whether it is an
// object key, and the raw bytes read for it. visit returns false to stop.
// Paths read like the record's evidence pointers: parties[1].name,
// records["SHP-1"].parties[0].kind.
func jsonWalk(body []byte, visit func(path string, tok json.Token, key bool, raw []byte, end int64) bool) {
	type frame struct {
		obj      bool
		key      string
		idx      int
		wantsKey bool
	}
	var stack []frame
	path := func() string {
		if len(stack) == 0 {
			return documentPath
		}
		var b strings.Builder
		for i, f := range stack {
			switch {
			case !f.obj:
				fmt.Fprintf(&b, "[%d]", f.idx)
			case isIdent(f.key):
				if i > 0 {
					b.WriteByte('.')
				}
				b.WriteString(f.key)
			default:
				fmt.Fprintf(&b, "[%q]", f.key)
			}
		}
		return b.String()
	}
	// done moves the innermost container past the value just read.
	done := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].obj {
				stack[n-1].wantsKey = true
			} else {
				stack[n-1].idx++
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var last int64
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		end := dec.InputOffset()
		raw := body[last:end]
		last = end
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			done()
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].wantsKey {
			k, _ := tok.(string)
			stack[n-1].key, stack[n-1].wantsKey = k, false
			if !visit(path(), tok, true, raw, end) {
				return
			}
			continue
		}
		if !visit(path(), tok, false, raw, end) {
			return
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{obj: true, wantsKey: true})
		case json.Delim('['):
			stack = append(stack, frame{})
		default:
			done()
		}
	}
}

// isIdent reports whether a key can be written after a dot in a path.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9') {
			continue
		}
		return false
	}
	return true
}

// keyHolders returns the paths of the objects of body that hold the key
// name, in document order.
func keyHolders(body []byte, name string) []string {
	var out []string
	jsonWalk(body, func(path string, tok json.Token, key bool, _ []byte, _ int64) bool {
		if s, ok := tok.(string); key && ok && s == name {
			holder := documentPath
			switch {
			case path == name:
			case strings.HasSuffix(path, "."+name):
				holder = strings.TrimSuffix(path, "."+name)
			default:
				holder = strings.TrimSuffix(path, fmt.Sprintf("[%q]", name))
			}
			if !slices.Contains(out, holder) {
				out = append(out, holder)
			}
		}
		return true
	})
	return out
}

// pathAt returns the path of the value (or key) that the decoder was
// reading when it stopped at offset.
func pathAt(body []byte, offset int64) string {
	p := documentPath
	jsonWalk(body, func(path string, _ json.Token, _ bool, _ []byte, end int64) bool {
		p = path
		return end < offset
	})
	return p
}

// invalidText finds the first string of body, key or value, that is not
// valid UTF-8 (json.Unmarshal would replace its bytes with U+FFFD without a
// word) or that escapes half of a surrogate pair, and returns its path.
func invalidText(body []byte) (string, bool) {
	if utf8.Valid(body) && !bytes.Contains(body, []byte(`\u`)) && !bytes.Contains(body, []byte(`\U`)) {
		return "", false
	}
	bad, where := false, ""
	jsonWalk(body, func(path string, tok json.Token, key bool, raw []byte, _ int64) bool {
		s, ok := tok.(string)
		if !ok {
			return true
		}
		if !utf8.Valid(raw) || (strings.ContainsRune(s, utf8.RuneError) && !bytes.Contains(raw, []byte("\uFFFD")) &&
			!bytes.Contains(bytes.ToLower(raw), []byte(`\ufffd`))) {
			bad, where = true, path
			if key {
				where = fmt.Sprintf("%s (a key)", path)
			}
			return false
		}
		return true
	})
	if !bad && !utf8.Valid(body) {
		// Invalid bytes outside every string: the JSON itself is broken,
		// and decoding says where.
		return "", false
	}
	return where, bad
}
