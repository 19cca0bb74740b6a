package main

import (
	"io"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/engine"
)

// TestPartyCacheFlag: scan, serve and mcp take --party-cache (default the
// engine's, so nothing changes unless it is set; 0 turns the cache off;
// SCREEN_PARTY_CACHE sets it too) and engineOptions refuses a negative
// size; commands without the flag build their engine as before.
func TestPartyCacheFlag(t *testing.T) {
	tests := []struct {
		cmd  func() *cli.Command
		args []string
		env  string
		want int
		err  string
	}{
		{cmd: serveCommand, want: engine.DefaultPartyCache},
		{cmd: scanCommand, want: engine.DefaultPartyCache},
		{cmd: mcpCommand, want: engine.DefaultPartyCache},
		{cmd: serveCommand, args: []string{"--party-cache", "0"}, want: 0},
		{cmd: scanCommand, args: []string{"--party-cache", "100"}, want: 100},
		{cmd: serveCommand, env: "0", want: 0},
		{cmd: serveCommand, args: []string{"--party-cache", "-1"}, want: -1, err: "--party-cache -1"},
		{cmd: checkCommand, want: -2}, // no such flag
	}
	for _, tt := range tests {
		if tt.env != "" {
			t.Setenv("SCREEN_PARTY_CACHE", tt.env)
		} else {
			t.Setenv("SCREEN_PARTY_CACHE", "")
		}
		cmd := tt.cmd()
		name := cmd.Name
		got, gotErr := -2, error(nil)
		cmd.Action = func(c *cli.Context) error {
			if hasFlag(c, "party-cache") {
				got = c.Int("party-cache")
			}
			_, _, gotErr = engineOptions(c, &notices{w: io.Discard, quiet: true})
			return nil
		}
		cmd.Before = nil
		app := &cli.App{Commands: []*cli.Command{cmd}, Writer: io.Discard, ErrWriter: io.Discard}
		args := append([]string{"screen", name, "--list", "lists.csv"}, tt.args...)
		if err := app.Run(args); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if got != tt.want {
			t.Errorf("%v (env %q): --party-cache %d, want %d", args, tt.env, got, tt.want)
		}
		if tt.err == "" && gotErr != nil || tt.err != "" && (gotErr == nil || !strings.Contains(gotErr.Error(), tt.err)) {
			t.Errorf("%v: engineOptions: %v, want error %q", args, gotErr, tt.err)
		}
	}
}
