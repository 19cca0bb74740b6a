#!/usr/bin/env bash
# The man page docs/screen.1 is what `screen man` generates from the current
# commands and flags, and groff formats it without warnings.
set -euo pipefail
source .ci/lib/common.sh
ci_tmpdir
work=$CI_TMP
ci_build_screen "$work/screen"
"$work/screen" man >"$work/screen.1"
if ! diff -u docs/screen.1 "$work/screen.1"; then
  echo "docs/screen.1 is not current: regenerate it with 'go run ./cmd/screen man > docs/screen.1'"
  exit 1
fi
ci_need groff groff-base
warnings=$(groff -man -ww -z docs/screen.1 2>&1 || true)
if [ -n "$warnings" ]; then
  echo "groff warns about docs/screen.1:"; echo "$warnings"; exit 1
fi
echo "docs/screen.1 is current ($(wc -l <docs/screen.1) lines) and formats without warnings"
