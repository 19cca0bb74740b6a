package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"

	gojson "github.com/goccy/go-json"

	"github.com/screen-compliance/screen/record"
)

// errNotReady is returned while the server has no engine.
var errNotReady = errors.New("not ready: lists and policies are not loaded yet")

// ErrorBody is the JSON body of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong: Code is a stable machine-readable token
// (malformed_json, unknown_field, invalid_field, invalid_utf8,
// unsupported_media_type, body_too_large, batch_too_large, not_found,
// unauthorized, not_ready, timeout, ...), Message is for humans and names
// the field by its path in the request ("parties[1].kind").
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// apiError is a request-level failure with its HTTP status.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func badRequest(code, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, message: fmt.Sprintf(format, args...)}
}

// bufPool holds the buffers that request bodies are read into and
// responses encoded into; maxPooled keeps a rare large batch from pinning
// its buffer.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooled = 1 << 20

func getBuf() *bytes.Buffer { return bufPool.Get().(*bytes.Buffer) }

func putBuf(b *bytes.Buffer) {
	if b.Cap() <= maxPooled {
		b.Reset()
		bufPool.Put(b)
	}
}

// writeJSON writes v as JSON with status, with its Content-Length (a
// response over net/http's 2 KiB buffer is otherwise sent chunked).
func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := getBuf()
	defer putBuf(buf)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "encode response: "+err.Error())
		return
	}
	writeBody(w, status, buf)
}

// writeDecision writes one decision as writeJSON does. It is the most
// frequent response, so it is encoded with github.com/goccy/go-json (as the
// report package encodes decisions), which writes encoding/json's bytes for
// record.Decision (TestDecisionResponseMatchesStandardLibrary) in about a
// third of the time.
func writeDecision(w http.ResponseWriter, d *record.Decision) {
	buf := getBuf()
	defer putBuf(buf)
	if err := encodeDecision(buf, d); err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "encode response: "+err.Error())
		return
	}
	writeBody(w, http.StatusOK, buf)
}

// encodeDecision appends d's JSON and a newline to buf, without HTML
// escaping.
func encodeDecision(buf *bytes.Buffer, d *record.Decision) error {
	enc := gojson.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return enc.Encode(d)
}

// writeBody writes the encoded JSON body buf with status and its
// Content-Length.
func writeBody(w http.ResponseWriter, status int, buf *bytes.Buffer) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// writeError writes the JSON error body.
func writeError(w http.ResponseWriter, status int, code, message string) {
	b, _ := json.Marshal(ErrorBody{Error: ErrorDetail{Code: code, Message: message}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// writeAPIError writes e.
func writeAPIError(w http.ResponseWriter, e *apiError) { writeError(w, e.status, e.code, e.message) }

// decodeBody reads one JSON document from the request body into v. It
// refuses a content type other than JSON (415), a body over maxBody (413),
// malformed JSON, text that is not valid UTF-8, unknown fields, wrong field
// types and trailing data (400), naming the field by its path in the
// document ("parties[1].name").
func decodeBody(w http.ResponseWriter, r *http.Request, maxBody int64, v any) *apiError {
	if err := checkJSONType(r.Header.Get("Content-Type")); err != nil {
		return err
	}
	if r.ContentLength > maxBody {
		return tooLarge(maxBody)
	}
	// The body is read into a pooled buffer: the decoder copies what it
	// keeps, and nothing else outlives this call.
	buf := getBuf()
	defer putBuf(buf)
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxBody)); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge(maxBody)
		}
		return badRequest("malformed_json", "read the request body: %v", err)
	}
	body := buf.Bytes()
	if path, bad := invalidText(body); bad {
		return badRequest("invalid_utf8", "field %s: invalid UTF-8 (send text as UTF-8)", path)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err, body, dec.InputOffset(), maxBody)
	}
	// Exactly one document: anything but whitespace after it is an error.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("malformed_json", "unexpected data after the JSON document (offset %d)", dec.InputOffset())
	}
	return nil
}

// checkJSONType accepts application/json and any +json media type.
func checkJSONType(ct string) *apiError {
	if ct == "" {
		return &apiError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type",
			message: "missing Content-Type: send application/json"}
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return &apiError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type",
			message: fmt.Sprintf("Content-Type %q: send application/json", ct)}
	}
	return nil
}

func tooLarge(max int64) *apiError {
	return &apiError{status: http.StatusRequestEntityTooLarge, code: "body_too_large",
		message: fmt.Sprintf("request body exceeds %d bytes", max)}
}

// decodeError turns a json.Decoder error into a 400 (or 413) naming the
// offset or the field; at is the decoder's offset when it stopped. Messages
// use JSON's words (object, array, string, number, boolean), never Go's
// type names.
func decodeError(err error, body []byte, at int64, maxBody int64) *apiError {
	var (
		mbe *http.MaxBytesError
		se  *json.SyntaxError
		te  *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &mbe):
		return tooLarge(maxBody)
	case errors.Is(err, io.EOF):
		return badRequest("malformed_json", "empty body: send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("malformed_json", "truncated JSON document")
	case errors.As(err, &se):
		return badRequest("malformed_json", "malformed JSON at offset %d: %v", se.Offset, se)
	case errors.As(err, &te):
		return badRequest("invalid_field", "field %s: want %s, got JSON %s (offset %d)", pathAt(body, te.Offset), jsonType(te.Type), te.Value, te.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// The decoder reports an unknown field once it has read the whole
		// document: its offset says nothing of where the field was. The
		// objects holding a key of that name do.
		key := strings.TrimPrefix(err.Error(), "json: unknown field ")
		name, uerr := strconv.Unquote(key)
		if uerr != nil {
			return badRequest("unknown_field", "unknown field %s", key)
		}
		switch holders := keyHolders(body, name); {
		case len(holders) == 1 && holders[0] != documentPath:
			return badRequest("unknown_field", "unknown field %s in %s", key, holders[0])
		case len(holders) > 1:
			return badRequest("unknown_field", "unknown field %s (a key of %s)", key, strings.Join(holders, ", "))
		}
		return badRequest("unknown_field", "unknown field %s", key)
	default:
		return badRequest("malformed_json", "%v", err)
	}
}

// jsonType names the JSON type that decodes into t.
func jsonType(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "another JSON type"
}
