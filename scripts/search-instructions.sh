#!/usr/bin/env bash
# Counts the instructions of one index search with callgrind, for three mixes
# of names against UN consolidated + OFAC SDN 2021 (../shared/data): "yente"
# (yente's treated UN names and global negatives), "listed" (the treated UN
# names only) and "unique" (company names that never recur, as
# BenchmarkScanStreamDistinct writes them). Instruction counts, unlike times,
# do not move with other jobs on the machine: compare two commits with them.
# Needs valgrind (Debian: apt-get install valgrind).
#
#   scripts/search-instructions.sh            # 1,000 searches per mix
#   N=2000 MIXES="listed" scripts/search-instructions.sh
#
# The driver (scripts/search-instructions/main.go) warms up with 300
# searches that are not counted, and runs with GOGC=off and one thread, so
# that garbage collection and scheduling do not enter the count.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
export DATA="${DATA:-$repo/../shared/data}"
N="${N:-1000}"
MIXES="${MIXES:-listed unique yente}"
command -v valgrind >/dev/null || { echo "search-instructions: valgrind is not installed" >&2; exit 1; }
[ -f "$DATA/un/consolidated.xml" ] || { echo "search-instructions: no lists in $DATA" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$repo" && CGO_ENABLED=0 go build -o "$work/driver" scripts/search-instructions/main.go)
"$work/driver" "$work/index" build
# valgrind does not know the RDTSCP instruction that Go's runtime executes
# when it spins on a contended lock (more likely on a busy machine): the
# driver then dies of SIGILL. Such a run is tried again, up to three times.
for mix in $MIXES; do
  for try in 1 2 3; do
    if GOGC=off GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 valgrind --tool=callgrind --callgrind-out-file="$work/$mix.out" \
      --toggle-collect=main.measured "$work/driver" "$work/index" "$N" "$mix" >"$work/$mix.log" 2>&1; then
      break
    fi
    if [ "$try" = 3 ] || ! grep -q SIGILL "$work/$mix.log"; then
      cat "$work/$mix.log" >&2
      exit 1
    fi
  done
  grep 'Collected' "$work/$mix.log" | awk -v n="$N" -v m="$mix" '{ printf "%s: %.0f instructions per search (%d searches)\n", m, $4 / n, n }'
done
