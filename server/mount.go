package server

import (
	"net/http"

	"github.com/screen-compliance/screen/engine"
)

// Handle serves h at pattern (a path such as "/mcp"; every method) behind
// what every API route gets: the bearer token (unless the path is in
// Options.Exempt), the request timeout, the metrics and the access log,
// under the pattern as route label. Call it before the server serves
// requests. It is how `screen serve` mounts the MCP endpoint.
func (s *Server) Handle(pattern string, h http.Handler) {
	s.mux.Handle(pattern, s.wrap(pattern, h.ServeHTTP))
}

// Engine returns the engine the server screens with now (it changes with
// SetEngine), or nil before the first SetEngine. A handler mounted with
// Handle calls it per request, so that it follows reloads.
func (s *Server) Engine() *engine.Engine { return s.engine() }
