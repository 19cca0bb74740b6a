package mcpserver

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/record"
)

// BenchmarkScreenPartyDirect is the engine alone, for comparison.
func BenchmarkScreenPartyDirect(b *testing.B) {
	eng, err := engine.New(context.Background(), engine.WithBuiltinList())
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	rec, err := readRow(PartyInput{Name: designated}.row())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if d, _ := eng.Screen(context.Background(), rec); d.Decision != record.Block {
			b.Fatal(d.Decision)
		}
	}
}

// benchCall calls screen_party on the designated party b.N times over cs.
func benchCall(b *testing.B, cs *mcp.ClientSession) {
	params := &mcp.CallToolParams{Name: ToolScreenParty, Arguments: map[string]any{"name": designated}}
	for b.Loop() {
		res, err := cs.CallTool(context.Background(), params)
		if err != nil || res.IsError {
			b.Fatal(err, res)
		}
	}
}

// BenchmarkScreenPartyInMemory is one screen_party call over the SDK's
// in-memory transport: argument validation, the row read, the screen, the
// output encoded, validated against its schema and decoded by the client.
func BenchmarkScreenPartyInMemory(b *testing.B) {
	eng, err := engine.New(context.Background(), engine.WithBuiltinList())
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	cs := connect(b, func() *engine.Engine { return eng })
	benchCall(b, cs)
}

// BenchmarkScreenPartyHTTP is one screen_party call over stateless
// streamable HTTP on loopback (one POST per call).
func BenchmarkScreenPartyHTTP(b *testing.B) {
	eng, err := engine.New(context.Background(), engine.WithBuiltinList())
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	s, err := New(Options{Engine: func() *engine.Engine { return eng }})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(NewHTTPHandler(s, HTTPOptions{}))
	defer ts.Close()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "bench", Version: "v0"}, nil).Connect(context.Background(),
		&mcp.StreamableClientTransport{Endpoint: ts.URL, DisableStandaloneSSE: true}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer cs.Close()
	benchCall(b, cs)
}
