#!/usr/bin/env bash
# Consumer check for the yente-compatible API (issue 17): a yente client
# (server/testdata/yente/client.cjs) calls a real `screen serve` on the test
# lists of server/testdata/yente/lists and checks every answer as yente's own
# tests do, and every entity against FollowTheMoney's model
# (npm @alephdata/followthemoney, pinned below). Fails on any mismatch.
set -euo pipefail

FTM_VERSION=3.8.4 # @alephdata/followthemoney: FollowTheMoney's model in JavaScript

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if ! command -v go >/dev/null 2>&1; then
  export PATH="$PATH:/usr/local/go/bin"
fi

work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/screen" ./cmd/screen
(cd "$work" && npm install --silent --no-audit --no-fund --no-save "@alephdata/followthemoney@$FTM_VERSION" >/dev/null)
echo "yente-ci-token" >"$work/token"

"$work/screen" serve --addr 127.0.0.1:0 --token-file "$work/token" --web=false \
  --list server/testdata/yente/lists/un.yaml --list server/testdata/yente/lists/watch.yaml \
  2>"$work/serve.log" &
pid=$!

addr=""
for _ in $(seq 1 100); do
  if grep -q '"msg":"ready"' "$work/serve.log"; then
    addr="$(grep -o '"msg":"listening","addr":"[^"]*"' "$work/serve.log" | sed 's/.*"addr":"\([^"]*\)"/\1/')"
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.2
done
if [ -z "$addr" ]; then
  echo "screen serve did not become ready:" >&2
  cat "$work/serve.log" >&2
  exit 1
fi

NODE_PATH="$work/node_modules" node server/testdata/yente/client.cjs "http://$addr" "yente-ci-token"
