// Package mcpserver serves screen over the Model Context Protocol (MCP) with
// the official Go SDK (github.com/modelcontextprotocol/go-sdk), so that an
// agent can screen counterparties and shipments the way `screen check` and
// `screen scan` do:
//
//	screen_party       screen one party (name, kind, country, dob, id_number, imo)
//	screen_shipment    screen one shipment record (parties by role, goods, route)
//	explain_decision   screen, then explain the decision: every reason with its
//	                   rule's description, citation and the evidence it cites,
//	                   every match with its score features and the listed entity
//	get_entity         a listed entity by id ("un:KPe.001")
//	list_lists         the loaded lists with their versions, and the provenance
//
// The screening tools return the decision record of the CLI's JSON reports
// (record.Decision: `screen scan -f jsonl` writes the same JSON for the same
// row) as their structured output; every tool declares the JSON schema of
// its structured output. A party or shipment is read exactly as a row of a
// JSON input file is read by `screen scan` (package input), so the MCP tools,
// the CLI and the HTTP API cannot drift apart. Arguments that cannot be
// screened (an unknown kind, a country that is no country, nothing to screen)
// are tool errors naming the argument, never a clear decision; a record that
// the engine cannot decide (a policy error, a time budget exceeded) is the
// decision "error", as in the CLI.
//
// New builds the server; ServeStdio serves it over standard input and output
// (`screen mcp`), and NewHTTPHandler over streamable HTTP (`screen serve`
// mounts it at Path behind the API's bearer token).
package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/screen-compliance/screen/engine"
)

// Path is where `screen serve` mounts the streamable HTTP endpoint.
const Path = "/mcp"

// Tool names.
const (
	ToolScreenParty    = "screen_party"
	ToolScreenShipment = "screen_shipment"
	ToolExplain        = "explain_decision"
	ToolGetEntity      = "get_entity"
	ToolListLists      = "list_lists"
)

// DefaultTimeout bounds one tool call when Options.Timeout is zero. The
// engine's own budgets (matching, policy evaluation) bound a screen well
// below it; this is the backstop.
const DefaultTimeout = 30 * time.Second

// ErrNotReady is the tool error while no engine is loaded (the lists and
// policies of `screen serve` are still loading).
var ErrNotReady = errors.New("not ready: the lists and policies are still loading; try again in a moment")

// instructions tell the agent how to use the tools; clients pass them to
// the model.
const instructions = `screen checks counterparties and shipments against sanctions lists (UN, OFAC, EU, UK, ...) and the UN DPRK trade measures, and explains every decision with citations.

Use screen_party for one person, company, vessel or aircraft, and screen_shipment for a shipment (parties by role, HS codes and goods description, route). Each returns a decision record: "decision" is clear, review, block or error.
- block: a strong sanctions match or a banned good/route; do not proceed. Cite reasons[].citation.
- review: a possible match or a measure that needs a person's judgement; a compliance officer must decide.
- error: the record could not be decided; it is never clear. Fix the input or escalate.
- clear: no rule fired against the loaded lists (see provenance.lists for their versions).
Use explain_decision to get each reason's rule description, citation and evidence, and each match's score features and listed entity; get_entity to read a listed entity by id; list_lists to see which lists and versions are loaded.`

// Options configures the MCP server.
type Options struct {
	// Engine returns the engine to screen with: called on every tool call,
	// so that a server whose engine reloads (screen serve) always screens
	// with the current lists. It may return nil while the engine loads;
	// tools then answer ErrNotReady. Required.
	Engine func() *engine.Engine
	// Logger receives the SDK's warnings and errors and a line per failed
	// tool call (tool name and error class only: never names or arguments;
	// arguments the screen cannot use are the client's own and logged at
	// debug level, as the HTTP API does not log them). Nil discards them.
	Logger *slog.Logger
	// Timeout bounds one tool call (default DefaultTimeout).
	Timeout time.Duration
	// Clock is used for list ages (default time.Now).
	Clock func() time.Time
}

// New returns the MCP server with screen's tools. The server is safe for
// concurrent use and may serve several sessions at once.
func New(opts Options) (*mcp.Server, error) {
	if opts.Engine == nil {
		return nil, errors.New("mcpserver: Options.Engine is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	sch, err := newSchemas()
	if err != nil {
		return nil, fmt.Errorf("mcpserver: %w", err)
	}
	s := mcp.NewServer(&mcp.Implementation{
		Name:    "screen",
		Title:   "screen: sanctions and UN DPRK trade-measure screening",
		Version: engine.Version,
	}, &mcp.ServerOptions{Instructions: instructions, Logger: sdkLogger(opts.Logger)})
	t := &tools{opts: opts}
	t.register(s, sch)
	return s, nil
}

// ServeStdio serves s over r and w (newline-delimited JSON-RPC, the MCP
// stdio transport) until the client closes r or ctx is done. Nothing else
// may write to w.
func ServeStdio(ctx context.Context, s *mcp.Server, r io.Reader, w io.Writer) error {
	err := s.Run(ctx, &mcp.IOTransport{Reader: io.NopCloser(r), Writer: nopWriteCloser{w}})
	if err == nil || errors.Is(err, io.EOF) || (ctx.Err() != nil && errors.Is(err, ctx.Err())) {
		return nil
	}
	return fmt.Errorf("mcp over stdio: %w", err)
}

// sdkLogger passes on the SDK's warnings and errors only: at info level it
// logs every stateless request's session three times.
func sdkLogger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return nil
	}
	return slog.New(minLevel{Handler: l.Handler(), min: slog.LevelWarn})
}

// minLevel drops records below min.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{Handler: h.Handler.WithAttrs(as), min: h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{Handler: h.Handler.WithGroup(name), min: h.min}
}

// nopWriteCloser leaves closing w to its owner.
type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
