package server

import (
	"fmt"
	"net/http"
	"strings"
)

// YenteError is the body of every error on the yente-compatible routes. It
// carries yente's own shape — Detail is a string, or for a 422 the list of
// validation issues FastAPI writes — and screen's Error object beside it, so
// clients of either API read it unchanged.
type YenteError struct {
	// Detail is a string, or []ValidationIssue for status 422.
	Detail any         `json:"detail"`
	Error  ErrorDetail `json:"error"`
}

// ValidationIssue is one entry of a 422 detail list, in the shape FastAPI
// (pydantic v2) gives it: Type is pydantic's error type ("missing",
// "int_parsing", "less_than_equal", "extra_forbidden", "value_error", ...),
// Loc the path to the offending value (["query", "limit"],
// ["body", "queries", "q1", "schema"]), Msg the message, Input the value
// given and Ctx the constraint, when there is one.
type ValidationIssue struct {
	Type  string         `json:"type"`
	Loc   []any          `json:"loc"`
	Msg   string         `json:"msg"`
	Input any            `json:"input"`
	Ctx   map[string]any `json:"ctx,omitempty"`
}

// yenteErr is a failure on a yente route with its status.
type yenteErr struct {
	status int
	code   string
	detail any // string or []ValidationIssue
}

// yenteDetail returns an error whose detail is a message.
func yenteDetail(status int, code, format string, args ...any) *yenteErr {
	return &yenteErr{status: status, code: code, detail: fmt.Sprintf(format, args...)}
}

// validationFailed returns the 422 for issues.
func validationFailed(issues []ValidationIssue) *yenteErr {
	return &yenteErr{status: http.StatusUnprocessableEntity, code: "validation_error", detail: issues}
}

// fromAPIError carries one of screen's request errors (not ready, timeout,
// body too large) over to the yente shape.
func fromAPIError(e *apiError) *yenteErr {
	return &yenteErr{status: e.status, code: e.code, detail: e.message}
}

// writeYenteError writes e.
func writeYenteError(w http.ResponseWriter, e *yenteErr) {
	msg, _ := e.detail.(string)
	if issues, ok := e.detail.([]ValidationIssue); ok {
		parts := make([]string, 0, len(issues))
		for _, is := range issues {
			parts = append(parts, locString(is.Loc)+": "+is.Msg)
		}
		msg = strings.Join(parts, "; ")
	}
	writeJSON(w, e.status, YenteError{Detail: e.detail, Error: ErrorDetail{Code: e.code, Message: msg}})
}

// locString renders a location as "body.queries.q1.schema".
func locString(loc []any) string {
	parts := make([]string, 0, len(loc))
	for _, l := range loc {
		parts = append(parts, fmt.Sprint(l))
	}
	return strings.Join(parts, ".")
}

// FastAPI's messages for the issues raised here.
const (
	msgMissing     = "Field required"
	msgDict        = "Input should be a valid dictionary"
	msgObject      = "Input should be a valid dictionary or object to extract fields from"
	msgString      = "Input should be a valid string"
	msgList        = "Input should be a valid list"
	msgNumber      = "Input should be a valid number"
	msgExtra       = "Extra inputs are not permitted"
	msgIntParsing  = "Input should be a valid integer, unable to parse string as an integer"
	msgNumParsing  = "Input should be a valid number, unable to parse string as a number"
	msgBoolParsing = "Input should be a valid boolean, unable to interpret input"
)
