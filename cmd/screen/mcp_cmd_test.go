package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/screen-compliance/screen/mcpserver"
	"github.com/screen-compliance/screen/record"
)

// mcpDesignated is a UN-designated entity of the built-in sample list.
const (
	mcpDesignated   = "Korea Mining Development Trading Corporation"
	mcpDesignatedID = "un:KPe.001"
)

// mcpClient is the SDK's MCP client.
func mcpClient() *mcp.Client {
	return mcp.NewClient(&mcp.Implementation{Name: "screen-test", Version: "v0"}, nil)
}

// screenDesignated screens the designated party over cs and checks the
// issue's done-means: block, citing the list entry.
func screenDesignated(t *testing.T, cs *mcp.ClientSession) record.Decision {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: mcpserver.ToolScreenParty,
		Arguments: map[string]any{"name": mcpDesignated}})
	if err != nil {
		t.Fatalf("screen_party: %v", err)
	}
	if res.IsError {
		t.Fatalf("screen_party: tool error %v", res.Content)
	}
	b, _ := json.Marshal(res.StructuredContent)
	var d record.Decision
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if d.Decision != record.Block || len(d.Reasons) == 0 || !strings.Contains(d.Reasons[0].Citation, mcpDesignatedID) {
		t.Fatalf("decision %q, reasons %+v: want block citing %s", d.Decision, d.Reasons, mcpDesignatedID)
	}
	return d
}

// textOf is the text content of a tool result.
func textOf(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// startMCP runs `screen mcp ARGS...` in-process on pipes and returns a
// client session to it and a channel with its exit code.
func startMCP(t *testing.T, args ...string) (*mcp.ClientSession, <-chan int) {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	errb := &syncBuffer{}
	app := newApp(outW, errb)
	app.Reader = inR
	done := make(chan int, 1)
	go func() {
		code := exitOK
		if err := app.RunContext(context.Background(), append([]string{"screen", "mcp"}, args...)); err != nil {
			code = exitFailure
			var ee *exitError
			if errors.As(err, &ee) {
				code = ee.code
			}
		}
		outW.Close()
		done <- code
	}()
	cs, err := mcpClient().Connect(context.Background(), &mcp.IOTransport{Reader: outR, Writer: inW}, nil)
	if err != nil {
		t.Fatalf("connect: %v\n%s", err, errb.String())
	}
	return cs, done
}

// TestMCPSameDecisionAsScan: the screening tools answer, byte for byte,
// the line `screen scan -f jsonl` writes for the same row (its source
// aside: the file there, "mcp" here).
func TestMCPSameDecisionAsScan(t *testing.T) {
	store := t.TempDir()
	t.Setenv("SCREEN_STORE", store)
	cs, done := startMCP(t)
	for _, tc := range []struct {
		tool string
		row  string // the arguments, as a JSON object in column order
	}{
		{mcpserver.ToolScreenParty, `{"id":"P-1","name":"` + mcpDesignated + `","kind":"company","country":"KP"}`},
		{mcpserver.ToolScreenParty, `{"name":"Baltic Timber Export OU","country":"EE"}`},
		{mcpserver.ToolScreenShipment, `{"id":"SHP-0003","shipper":"Liaoning Hongtai Industrial Co. Ltd","shipper_country":"CN","consignee":"Korea Mining Dev. Trading Corp","consignee_country":"KP","hs_code":"8479.89","description":"Ore flotation machines","quantity":"3","unit":"pcs","value":"215000","currency":"USD","origin_country":"CN","destination_country":"KP","port_of_loading":"Dalian","port_of_discharge":"Nampo"}`},
		{mcpserver.ToolScreenShipment, `{"id":"SHP-0001","shipper":"Dandong Xinhe Trading Co. Ltd.","consignee":"Pyongyang Sonbong General Trading Corp","hs_code":"2818.20; 8479.89","description":"Aluminium oxide; flotation machines","origin_country":"CN","destination_country":"KP","transshipment":"Dalian; Nampo"}`},
	} {
		t.Run(tc.tool, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "row.json")
			if err := os.WriteFile(file, []byte("["+tc.row+"]"), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, errs := runCLI(t, "scan", file, "-f", "jsonl", "-q", "--no-fail")
			if code != 0 {
				t.Fatalf("scan: exit %d: %s", code, errs)
			}
			want := strings.Replace(strings.TrimSuffix(out, "\n"), `"source":`+jsonString(file), `"source":"mcp"`, 1)
			var args map[string]any
			if err := json.Unmarshal([]byte(tc.row), &args); err != nil {
				t.Fatal(err)
			}
			res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tc.tool, Arguments: args})
			if err != nil || res.IsError {
				t.Fatalf("%s: %v %v", tc.tool, err, res)
			}
			if got := textOf(res); got != want {
				t.Errorf("MCP answered\n%s\nscan wrote\n%s", got, want)
			}
			var sc, line any
			b, _ := json.Marshal(res.StructuredContent)
			json.Unmarshal(b, &sc)
			json.Unmarshal([]byte(want), &line)
			bs, _ := json.Marshal(sc)
			bl, _ := json.Marshal(line)
			if !bytes.Equal(bs, bl) {
				t.Errorf("structured content\n%s\nis not the decision record\n%s", bs, bl)
			}
		})
	}
	cs.Close()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("screen mcp exited %d", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("screen mcp did not stop when the client closed its input")
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestMCPStdioBinary runs the built binary as an MCP client starts it and
// talks to it with the SDK's client over stdio.
func TestMCPStdioBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "screen")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "mcp", "--store", t.TempDir())
	cmd.Stderr = &stderr
	ctx := context.Background()
	cs, err := mcpClient().Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("connect: %v\n%s", err, stderr.String())
	}
	tools, err := cs.ListTools(ctx, nil)
	if err != nil || len(tools.Tools) != 5 {
		t.Fatalf("tools/list: %v %v", err, tools)
	}
	screenDesignated(t, cs)
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: mcpserver.ToolGetEntity, Arguments: map[string]any{"id": "un:NO-SUCH"}})
	if err != nil || !res.IsError || !strings.Contains(textOf(res), "no listed entity") {
		t.Errorf("unknown entity: %v %v", err, res)
	}
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "no_such_tool"}); err == nil {
		t.Error("unknown tool: no error")
	}
	screenDesignated(t, cs) // the process is still up
	if err := cs.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if cmd.ProcessState == nil || !cmd.ProcessState.Success() {
		t.Errorf("screen mcp: %v\n%s", cmd.ProcessState, stderr.String())
	}
	if !strings.Contains(stderr.String(), "built-in sample") {
		t.Errorf("the notice did not go to stderr:\n%s", stderr.String())
	}
}

// bearer adds a bearer token to every request.
type bearer struct {
	token string
	next  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}

// serveBase starts `screen serve ARGS...` and returns its base URL and
// logs once it is ready; cancel stops it.
func serveBase(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs, done := startServe(ctx, append([]string{"--addr", "127.0.0.1:0", "--store", t.TempDir(), "--web=false"}, args...)...)
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop")
		}
	})
	var addr string
	waitFor(t, "the listening log line", func() bool {
		select {
		case code := <-done:
			t.Fatalf("serve exited early with %d:\n%s", code, logs.String())
		default:
		}
		if l := logs.logLine("listening"); l != nil {
			addr, _ = l["addr"].(string)
		}
		return addr != ""
	})
	waitFor(t, "readiness", func() bool { return logs.logLine("ready") != nil })
	return "http://" + addr, logs
}

// TestMCPServeHTTP talks to `screen serve`'s streamable HTTP endpoint with
// the SDK's client: with the API's token, without it (refused like the
// API), on a server without a token, and with --mcp=false.
func TestMCPServeHTTP(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte("s3cret-tok\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base, logs := serveBase(t, "--token-file", tokenFile)
	ctx := context.Background()
	connect := func(base string, client *http.Client) (*mcp.ClientSession, error) {
		return mcpClient().Connect(ctx, &mcp.StreamableClientTransport{Endpoint: base + mcpserver.Path, HTTPClient: client, MaxRetries: -1}, nil)
	}

	cs, err := connect(base, &http.Client{Transport: bearer{"s3cret-tok", http.DefaultTransport}})
	if err != nil {
		t.Fatalf("connect with the token: %v", err)
	}
	screenDesignated(t, cs)
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: mcpserver.ToolListLists, Arguments: map[string]any{}})
	if err != nil || res.IsError || !strings.Contains(textOf(res), `"builtin"`) {
		t.Errorf("list_lists: %v %v", err, res)
	}
	cs.Close()

	for name, client := range map[string]*http.Client{
		"no token":    http.DefaultClient,
		"wrong token": {Transport: bearer{"nope", http.DefaultTransport}},
	} {
		if cs, err := connect(base, client); err == nil {
			cs.Close()
			t.Errorf("%s: connected", name)
		}
	}
	req, _ := http.NewRequest("POST", base+mcpserver.Path, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	req.Header.Set("Content-Type", "application/json")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("POST %s without the token: %v %v", mcpserver.Path, err, res)
	} else {
		res.Body.Close()
	}
	// DNS rebinding (a loopback address reached under another host name)
	// and cross-origin browser requests are refused, even with the token.
	for name, set := range map[string]func(*http.Request){
		"foreign Host":       func(r *http.Request) { r.Host = "attacker.example" },
		"cross-site browser": func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site") },
	} {
		req, _ := http.NewRequest("POST", base+mcpserver.Path, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Authorization", "Bearer s3cret-tok")
		set(req)
		if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %v %v", name, err, res)
		} else {
			res.Body.Close()
		}
	}
	waitFor(t, "an access log line for /mcp", func() bool { return strings.Contains(logs.String(), `"route":"/mcp"`) })
	if strings.Contains(logs.String(), "Korea Mining") {
		t.Errorf("logs hold a screened name:\n%s", logs.String())
	}

	open, _ := serveBase(t)
	cs, err = connect(open, http.DefaultClient)
	if err != nil {
		t.Fatalf("connect to a server without a token: %v", err)
	}
	screenDesignated(t, cs)
	cs.Close()

	off, _ := serveBase(t, "--mcp=false")
	if cs, err := connect(off, http.DefaultClient); err == nil {
		cs.Close()
		t.Error("--mcp=false: connected")
	}
}

// TestMCPRealUNList screens designated parties of the real UN list over
// MCP: block, citing their entries.
func TestMCPRealUNList(t *testing.T) {
	un := filepath.Join(repo, "../shared/data/un/consolidated.xml")
	if _, err := os.Stat(un); err != nil {
		t.Skipf("real UN list not available (%v): skipping", err)
	}
	t.Setenv("SCREEN_STORE", t.TempDir())
	cs, done := startMCP(t, "--list", un)
	for _, tc := range []struct {
		tool, cites string
		args        map[string]any
	}{
		{mcpserver.ToolScreenParty, "un:KPi.033", map[string]any{"name": "Ri Won Ho", "kind": "person", "country": "KP"}},
		{mcpserver.ToolScreenShipment, "un:KPe.001", map[string]any{"consignee": "Korea Mining Dev. Trading Corp", "hs_code": "8479.89", "description": "flotation machines"}},
	} {
		res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tc.tool, Arguments: tc.args})
		if err != nil || res.IsError {
			t.Fatalf("%s: %v %v", tc.tool, err, res)
		}
		b, _ := json.Marshal(res.StructuredContent)
		var d record.Decision
		json.Unmarshal(b, &d)
		if d.Decision != record.Block || len(d.Reasons) == 0 || !strings.Contains(d.Reasons[0].Citation, tc.cites) ||
			d.Provenance.Lists["un"] == "" {
			t.Errorf("%s %v: decision %q, reasons %+v, provenance %+v; want block citing %s", tc.tool, tc.args, d.Decision, d.Reasons, d.Provenance, tc.cites)
		}
	}
	cs.Close()
	if code := <-done; code != 0 {
		t.Errorf("screen mcp exited %d", code)
	}
}
