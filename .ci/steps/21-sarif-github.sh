#!/usr/bin/env bash
# Consumer check: the SARIF report passes Microsoft's SARIF validator with
# GitHub's rules (Sarif.Multitool validate --rule-kind "Sarif;Gh", from npm:
# @microsoft/sarif-multitool ships the .NET validator self-contained), with
# no error and no warning, and has no per-run automationDetails (so the
# upload action's `category:` applies and alerts track across runs).
set -euo pipefail
source .ci/lib/common.sh
ci_tmpdir
work=$CI_TMP
ci_build_screen "$work/screen"
ci_npm "$work/node" @microsoft/sarif-multitool@5.7.0
mt=$(find "$work/node/node_modules/@microsoft" -type f -name Sarif.Multitool | sed -n 1p)
[ -n "$mt" ] || { echo "Sarif.Multitool binary not found in the npm package"; exit 1; }
chmod +x "$mt" # npm no longer runs the package's postinstall script that does it
"$mt" --version 2>&1 | sed -n 1p || true

# SARIF for several kinds of runs: examples, ownership, suppressions,
# a baseline, rows that cannot be screened, an absolute input path.
ci_consumer_input "$work/in.csv"
s="$work/screen"
run() { "$s" scan --no-fail --deterministic -q -f sarif "$@"; }
run examples/shipments.csv -o "$work/shipments.sarif"
run examples/dprk/*.csv -o "$work/dprk.sarif"
run examples/ownership/shipments.csv --list examples/ownership/dandong-network.json \
  --ownership examples/ownership/ownership.csv -o "$work/ownership.sarif"
run "$work/in.csv" -o "$work/consumer.sarif"
"$s" scan --no-fail --deterministic -q -f json examples/shipments.csv -o "$work/prev.json"
run examples/shipments.csv --baseline "$work/prev.json" -o "$work/baseline.sarif"
cat >"$work/ignore.yaml" <<'YAML'
suppressions:
  - entity_id: un:KPe.001
    reason: "CI fixture: a suppressed finding"
    approved_by: ci
YAML
run examples/shipments.csv --ignore-file "$work/ignore.yaml" -o "$work/suppressed.sarif"
"$s" check --no-fail --deterministic -q -f sarif "Korea Mining Development Trading Corporation" -o "$work/check.sarif"

status=0
for f in "$work"/*.sarif; do
  if grep -q '"automationDetails"' "$f"; then
    echo "$f: has automationDetails (the upload action's category would be ignored)"; status=1
  fi
  out="$work/$(basename "$f" .sarif).validation.sarif"
  # Exit 0 only when the validator reports nothing at error or warning level.
  if ! "$mt" validate --rule-kind "Sarif;Gh" --level "Error;Warning" --output "$out" "$f" >"$work/log.txt" 2>&1 ||
    grep -qE ': (error|warning) [A-Z]+[0-9]+:' "$work/log.txt"; then
    echo "$f: SARIF validator (Sarif;Gh) reports:"; grep -E ': (error|warning) ' "$work/log.txt" || cat "$work/log.txt"; status=1
  else
    echo "$(basename "$f"): valid (Sarif;Gh rules: no error, no warning)"
  fi
done
exit $status
