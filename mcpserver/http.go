package mcpserver

import (
	"log/slog"
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// HTTPOptions configures the streamable HTTP endpoint.
type HTTPOptions struct {
	// MaxBody caps a request body in bytes (default: the SDK's 4 MiB).
	MaxBody int64
	// Logger receives the transport's warnings and errors. Nil discards
	// them.
	Logger *slog.Logger
}

// NewHTTPHandler serves s over MCP's streamable HTTP transport. It is
// stateless: every POST carries one JSON-RPC message and is answered with
// application/json, no session is kept between requests (so a reload, a
// restart or a second replica behind a load balancer changes nothing for a
// client), and GET and DELETE are answered 405, as the transport allows.
// Requests whose Host is not a loopback name while arriving on a loopback
// address are refused (DNS rebinding), and so are cross-origin browser
// requests (http.CrossOriginProtection). Authentication is the caller's:
// `screen serve` mounts the handler behind the API's bearer token.
func NewHTTPHandler(s *mcp.Server, opts HTTPOptions) http.Handler {
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, &mcp.StreamableHTTPOptions{
		Stateless:           true,
		JSONResponse:        true,
		Logger:              sdkLogger(opts.Logger),
		MaxRequestBodyBytes: opts.MaxBody,
	})
	return http.NewCrossOriginProtection().Handler(h)
}
