#!/usr/bin/env bash
# Measures HTTP POST /v1/screen of `screen serve` with the load generator in
# another process: wrk (https://github.com/wg/wrk; Debian: apt-get install
# wrk), CONNS connections on THREADS threads, against UN consolidated + OFAC
# SDN 2021 from ../shared/data, with the party cache off ("nocache",
# --party-cache 0: every request searches the index) and on ("cache", the
# default). wrk and the server share the machine: say so with the figures.
#
#   scripts/bench-http.sh                      # both modes, 30 s each
#   MODES=nocache RUNS=2 DURATION=10s scripts/bench-http.sh
#
# Settings (environment): MODES ("nocache cache"), RUNS (1), DURATION (30s),
# WARMUP (5s, not measured), CONNS (64), THREADS (1; see below), MIX ("lists": every 7th
# listed name and as many made-up names, as server.BenchmarkServe; "yente":
# yente's UN treated positives and global negatives interleaved), DATA
# (../shared/data beside the repository), ACCESS_LOG (true, as serve's
# default; the log goes to a file in the work directory), KEEP (1 keeps the
# work directory), SERVE_FLAGS (more `screen serve` flags).
#
# One wrk thread drives 64 connections at 13,000 req/s with a third of a
# core. On a 2-core machine that the server saturates, a second wrk thread
# is one more runnable thread competing with the server's two: responses then
# wait for a wrk thread to be scheduled, and wrk's p99 measured its own
# scheduling (2026-12-07: 62-71 ms with -t2, 23-28 ms with -t1, at the same
# req/s and server CPU per request).
#
# The server runs with serve's default --procs (8 Go processors per CPU;
# see README → Performance → Issue 21); SERVE_FLAGS="--procs 2" on 2 CPUs
# measures Go's own default for comparison.
#
# Each run prints req/s, p50/p90/p99 latency, the server's peak RSS (since
# its start: loading the lists included), the CPU the server and wrk used
# (cores = CPU seconds / wall seconds, and CPU microseconds per request,
# which other jobs on the machine disturb much less than req/s), the
# 1-minute load average at its end and the responses that were not 200;
# a run with any of those, or a socket error, fails the script (exit 1).
# The request bodies are generated at run time into the work directory from
# the list files, never kept.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODES=${MODES:-nocache cache}
RUNS=${RUNS:-1}
DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-5s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-1}
MIX=${MIX:-lists}
DATA=${DATA:-$repo/../shared/data}
ACCESS_LOG=${ACCESS_LOG:-true}
SERVE_FLAGS=${SERVE_FLAGS:-}

un=$DATA/un/consolidated.xml
sdn=$DATA/ofac/sdn-2021/sdn.csv
fixtures=$DATA/opensanctions/opensanctions/yente/contrib/candidate_generation_benchmark/fixtures
for f in "$un" "$sdn"; do
  [ -f "$f" ] || { echo "bench-http: list file $f is missing (set DATA)" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "bench-http: wrk is not installed (apt-get install wrk)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-http.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then echo "bench-http: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

echo "bench-http: building screen and the request bodies in $work"
(cd "$repo" && go build -o "$work/screen" ./cmd/screen)
case $MIX in
  lists) (cd "$repo" && go run scripts/bench-http/bodies.go -mix lists "$un" "$sdn") >"$work/bodies.jsonl" ;;
  yente) (cd "$repo" && go run scripts/bench-http/bodies.go -mix yente "$fixtures/positives_un_treated.csv" "$fixtures/negatives_global.csv") >"$work/bodies.jsonl" ;;
  *) echo "bench-http: MIX=$MIX: want lists or yente" >&2; exit 2 ;;
esac
export BODIES=$work/bodies.jsonl
tick=$(getconf CLK_TCK)

# cpu_ticks PID: user + system clock ticks of a process.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# start_server CACHE: starts screen serve on a free loopback port with
# --party-cache CACHE and sets server_pid and addr once /readyz answers.
start_server() {
  local log=$work/serve.log
  : >"$log"
  # shellcheck disable=SC2086
  "$work/screen" serve --addr 127.0.0.1:0 --party-cache "$1" --web=false --access-log="$ACCESS_LOG" \
    --store "$work/store" --list "$un" --list "$sdn" $SERVE_FLAGS 2>"$log" &
  server_pid=$!
  addr=
  for _ in $(seq 1 600); do
    kill -0 "$server_pid" 2>/dev/null || { echo "bench-http: screen serve exited:" >&2; cat "$log" >&2; exit 1; }
    if [ -z "$addr" ]; then
      addr=$(sed -n 's/.*"msg":"listening".*"addr":"\([^"]*\)".*/\1/p' "$log" | head -1)
    fi
    if [ -n "$addr" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "http://$addr/readyz" || true)" = 200 ]; then
      return
    fi
    sleep 0.2
  done
  echo "bench-http: screen serve was not ready after 120 s:" >&2; cat "$log" >&2; exit 1
}

stop_server() {
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

echo "bench-http: $(nproc) CPUs ($(uname -m)), load average $(cut -d' ' -f1-3 /proc/loadavg); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "bench-http: load generator: wrk -t$THREADS -c$CONNS in its own process on the same machine; $(wc -l <"$BODIES") bodies (mix $MIX)"
failed=0
summary=()
for mode in $MODES; do
  case $mode in
    nocache) cache=0 ;;
    cache) cache=$("$work/screen" serve --help | sed -n 's/.*--party-cache N.*(default: \([0-9]*\)).*/\1/p') ;;
    *) echo "bench-http: mode $mode: want nocache or cache" >&2; exit 2 ;;
  esac
  for run in $(seq 1 "$RUNS"); do
    start_server "$cache"
    echo
    echo "== $mode (--party-cache $cache), run $run: screen serve pid $server_pid at $addr"
    wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s "$repo/scripts/bench-http/screen.lua" "http://$addr" >"$work/warmup.txt" 2>&1 ||
      { cat "$work/warmup.txt"; exit 1; }
    c0=$(cpu_ticks "$server_pid"); t0=$(date +%s.%N)
    if [ -x /usr/bin/time ]; then
      /usr/bin/time -f 'wrk cpu %U %S' -o "$work/wrk.time" \
        wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$repo/scripts/bench-http/screen.lua" "http://$addr" >"$work/wrk.txt" 2>&1 || true
    else
      wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$repo/scripts/bench-http/screen.lua" "http://$addr" >"$work/wrk.txt" 2>&1 || true
      : >"$work/wrk.time"
    fi
    c1=$(cpu_ticks "$server_pid"); t1=$(date +%s.%N)
    rss=$(awk '/^VmHWM:/ {printf "%.0f MB", $2 / 1024}' "/proc/$server_pid/status")
    stop_server
    cat "$work/wrk.txt"
    rps=$(sed -n 's/^Requests\/sec: *//p' "$work/wrk.txt")
    p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")
    p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
    bad=$(sed -n 's/^non-200: //p' "$work/wrk.txt")
    sockerr=$(sed -n 's/^socket errors: //p' "$work/wrk.txt")
    reqs=$(sed -n 's/^requests: \([0-9]*\) in.*/\1/p' "$work/wrk.txt")
    scpu=$(awk -v a="$c0" -v b="$c1" -v t="$tick" -v s="$t0" -v e="$t1" -v n="${reqs:-0}" \
      'BEGIN {printf "%.2f cores, %.0f us/request", (b - a) / t / (e - s), (n > 0 ? (b - a) / t / n * 1e6 : 0)}')
    wcpu=$(awk -v s="$t0" -v e="$t1" -v n="${reqs:-0}" \
      '/^wrk cpu/ {printf "%.2f cores, %.0f us/request", ($3 + $4) / (e - s), (n > 0 ? ($3 + $4) / n * 1e6 : 0)}' "$work/wrk.time")
    line="$mode run $run: ${rps:-?} req/s, p50 ${p50:-?}, p99 ${p99:-?}; server CPU ${scpu}, peak RSS ${rss:-?}; wrk CPU ${wcpu:-?}; load average $(cut -d' ' -f1 /proc/loadavg); non-200 ${bad:-?}, socket errors ${sockerr:-?}"
    if [ "${bad:-x}" != 0 ] || [ "${sockerr:-x}" != 0 ] || [ -z "$rps" ]; then
      line="$line: FAILED"
      failed=1
    fi
    echo "-- $line"
    summary+=("$line")
  done
done
echo
echo "bench-http: summary (wrk -t$THREADS -c$CONNS -d$DURATION, $(wc -l <"$BODIES") bodies, mix $MIX, access log $ACCESS_LOG)"
printf '  %s\n' "${summary[@]}"
exit "$failed"
