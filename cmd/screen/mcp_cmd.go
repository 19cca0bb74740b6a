package main

import (
	"log/slog"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/mcpserver"
	"github.com/screen-compliance/screen/server"
)

func mcpCommand() *cli.Command {
	flags := append([]cli.Flag{}, listFlags()...)
	flags = append(flags, partyCacheFlag())
	flags = append(flags, ownershipFlag())
	flags = append(flags, policyFlags()...)
	return &cli.Command{
		Name:  "mcp",
		Usage: "serve the Model Context Protocol over stdio (for agents)",
		Description: "Serves screen's tools to an MCP client that starts this command (newline-delimited JSON-RPC on\n" +
			"stdin and stdout; notices and logs go to stderr): screen_party, screen_shipment, explain_decision,\n" +
			"get_entity and list_lists. The screening tools return the decision record that `screen scan -f jsonl`\n" +
			"writes. Lists and policies are chosen as for scan (--list, --store, -p, -d, ...).\n" +
			"`screen serve` serves the same tools over streamable HTTP at " + mcpserver.Path + " (see --mcp).",
		Flags:  flags,
		Action: mcpAction,
	}
}

func mcpAction(c *cli.Context) error {
	n := newNotices(c)
	var h slog.Handler = slog.NewTextHandler(c.App.ErrWriter, &slog.HandlerOptions{Level: slog.LevelWarn})
	if c.Bool("quiet") {
		h = slog.DiscardHandler
	}
	logger := slog.New(h)
	eng, err := newEngine(c.Context, c, n, engine.WithLogger(logger))
	if err != nil {
		return failure(err)
	}
	defer eng.Close()
	s, err := mcpserver.New(mcpserver.Options{Engine: func() *engine.Engine { return eng }, Logger: logger})
	if err != nil {
		return failure(err)
	}
	in := c.App.Reader
	if in == nil {
		in = os.Stdin
	}
	if err := mcpserver.ServeStdio(c.Context, s, in, c.App.Writer); err != nil {
		return failure(err)
	}
	return nil
}

// mcpServeFlag turns the MCP endpoint of `screen serve` on or off.
func mcpServeFlag() cli.Flag {
	return &cli.BoolFlag{Name: "mcp", Value: true, Usage: "serve the Model Context Protocol (streamable HTTP) at " + mcpserver.Path + ", behind --token-file like the API", EnvVars: []string{"SCREEN_MCP"}}
}

// mountMCP mounts the MCP endpoint on srv unless --mcp=false: behind the
// API's bearer token and request timeout, screening with the server's
// current engine (it follows reloads), bodies capped at --max-body.
func mountMCP(c *cli.Context, srv *server.Server, opts server.Options) error {
	if !c.Bool("mcp") {
		return nil
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s, err := mcpserver.New(mcpserver.Options{Engine: srv.Engine, Logger: logger, Timeout: opts.RequestTimeout})
	if err != nil {
		return failure(err)
	}
	srv.Handle(mcpserver.Path, mcpserver.NewHTTPHandler(s, mcpserver.HTTPOptions{MaxBody: opts.MaxBody, Logger: logger}))
	return nil
}
