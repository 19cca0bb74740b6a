#!/usr/bin/env bash
# Consumer check: the MCP server as an independent client sees it. The MCP
# inspector's command-line client (npm @modelcontextprotocol/inspector-cli
# 1.0.3, on the TypeScript SDK, which validates every structured result
# against the tool's output schema with Ajv) lists the tools and calls them
# headless over stdio (`screen mcp`) and over streamable HTTP (`screen serve`
# at /mcp, with and without the bearer token). The inspector's 2.x releases
# need Node.js 22; this machine has Node.js 20, so the 1.x CLI is used. Then
# the Go MCP tests run under the race detector (.ci/run's -race list does
# not cover mcpserver/).
set -euo pipefail
source .ci/lib/common.sh
ci_tmpdir
work=$CI_TMP
ci_need curl curl
ci_build_screen "$work/screen"
ci_npm "$work/node" @modelcontextprotocol/inspector-cli@1.0.3
# The CLI reads its own package.json relative to the working directory:
# run it from its build directory.
cli_dir="$work/node/node_modules/@modelcontextprotocol/inspector-cli/build"
inspect() { (cd "$cli_dir" && node index.js "$@"); }
store="$work/store" # empty: the built-in sample list
designated="Korea Mining Development Trading Corporation"

# check JSON-FILE JS-EXPRESSION MESSAGE: fail with MESSAGE unless the
# expression (over r, the parsed file) is true.
check() {
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    if (!(eval(process.argv[2]))) { console.error("FAIL: " + process.argv[3]); console.error(JSON.stringify(r, null, 1).slice(0, 4000)); process.exit(1); }
  ' "$1" "$2" "$3"
}

echo "stdio: screen mcp"
stdio=("$work/screen" mcp --store "$store" -q)
inspect "${stdio[@]}" --method tools/list >"$work/tools.json"
check "$work/tools.json" '["screen_party","screen_shipment","explain_decision","get_entity","list_lists"].every(n => r.tools.some(t => t.name === n && t.outputSchema && t.inputSchema))' \
  "tools/list lacks a tool or its schemas"
inspect "${stdio[@]}" --method tools/call --tool-name screen_party --tool-arg "name=$designated" >"$work/party.json"
check "$work/party.json" 'r.structuredContent.decision === "block" && r.structuredContent.reasons[0].citation.includes("un:KPe.001") && !r.isError' \
  "screen_party of a designated party is not block citing un:KPe.001"
inspect "${stdio[@]}" --method tools/call --tool-name screen_shipment --tool-arg consignee="Korea Mining Dev. Trading Corp" \
  hs_code=8479.89 "description=Ore flotation machines" origin_country=CN destination_country=KP >"$work/shipment.json"
check "$work/shipment.json" 'r.structuredContent.decision === "block" && r.structuredContent.goods.length === 1' \
  "screen_shipment is not block with one goods line"
inspect "${stdio[@]}" --method tools/call --tool-name explain_decision --tool-arg "party={\"name\":\"$designated\"}" >"$work/explain.json"
check "$work/explain.json" 'r.structuredContent.decision.decision === "block" && r.structuredContent.reasons[0].description && r.structuredContent.matches[0].entity.id === "un:KPe.001" && r.content[0].text.includes("citation: ")' \
  "explain_decision lacks the rule description, the listed entity or the explained table"
inspect "${stdio[@]}" --method tools/call --tool-name get_entity --tool-arg id=un:KPe.001 >"$work/entity.json"
check "$work/entity.json" 'r.structuredContent.id === "un:KPe.001" && r.structuredContent.programs.includes("DPRK")' "get_entity"
inspect "${stdio[@]}" --method tools/call --tool-name list_lists >"$work/lists.json"
check "$work/lists.json" 'r.structuredContent.lists[0].builtin === true && r.structuredContent.provenance.lists.builtin === r.structuredContent.lists[0].version' "list_lists"
inspect "${stdio[@]}" --method tools/call --tool-name screen_party --tool-arg name=Acme kind=persn >"$work/bad.json"
check "$work/bad.json" 'r.isError === true && r.content[0].text.includes("argument \"kind\"")' \
  "an unknown kind is not a tool error naming the argument"

echo "streamable HTTP: screen serve at /mcp"
printf 'ci-mcp-token\n' >"$work/token"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
"$work/screen" serve --addr "127.0.0.1:$port" --token-file "$work/token" --store "$store" --web=false -q 2>"$work/serve.log" &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null || true; rm -rf "$CI_TMP"' EXIT
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null
url="http://127.0.0.1:$port/mcp"
inspect "$url" --transport http --header "Authorization: Bearer ci-mcp-token" \
  --method tools/call --tool-name screen_party --tool-arg "name=$designated" >"$work/http.json"
check "$work/http.json" 'r.structuredContent.decision === "block" && r.structuredContent.reasons[0].citation.includes("un:KPe.001")' \
  "screen_party over streamable HTTP is not block citing un:KPe.001"
if inspect "$url" --transport http --method tools/list >"$work/noauth.json" 2>&1; then
  echo "FAIL: /mcp answered without the bearer token"; cat "$work/noauth.json"; exit 1
fi
grep -q "unauthorized" "$work/noauth.json" || { echo "FAIL: /mcp without the token was not refused as unauthorized"; cat "$work/noauth.json"; exit 1; }
kill "$serve_pid"
wait "$serve_pid" || true

echo "go test -race ./mcpserver"
go test -race -count=1 ./mcpserver
echo "MCP inspector checks passed"
