#!/usr/bin/env bash
# Consumer check: LibreOffice (Debian libreoffice-calc-nogui, headless) opens
# the XLSX report and exports every sheet as CSV: the Results header is the
# csv format's, there is one row per input row, and cells that start like a
# formula come out as the text given (not evaluated, no apostrophe added).
set -euo pipefail
source .ci/lib/common.sh
ci_tmpdir
work=$CI_TMP
ci_need soffice libreoffice-calc-nogui
soffice --version 2>/dev/null | sed -n 1p || true
ci_build_screen "$work/screen"
ci_consumer_input "$work/in.csv"
"$work/screen" scan "$work/in.csv" -f xlsx -o "$work/out.xlsx" --no-fail --deterministic -q
"$work/screen" scan "$work/in.csv" -f csv -o "$work/screen.csv" --no-fail --deterministic -q
# Filter options: comma, double quote, UTF-8, from line 1, ..., -1 = every sheet.
HOME="$work" soffice --headless --norestore \
  --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1' \
  --outdir "$work/lo" "$work/out.xlsx" >"$work/lo.log" 2>&1 || { cat "$work/lo.log"; exit 1; }
results="$work/lo/out-Results.csv"
for sheet in Results Matches Run; do
  [ -s "$work/lo/out-$sheet.csv" ] || { echo "LibreOffice exported no $sheet sheet"; cat "$work/lo.log"; exit 1; }
done
status=0
if [ "$(sed -n 1p "$results")" != "$(sed -n 1p "$work/screen.csv")" ]; then
  echo "Results header differs from the csv format's:"; sed -n 1p "$results"; sed -n 1p "$work/screen.csv"; status=1
fi
rows=$(($(wc -l <"$results") - 1))
[ "$rows" -eq 4 ] || { echo "Results has $rows data rows, want 4"; status=1; }
want=$'=1+2\n@SUM(A1)\n+cmd|\' /C calc\'!A0'
got=$(awk -F, 'NR > 1 && NR < 5 { print $1 }' "$results")
if [ "$got" != "$want" ]; then
  echo "ids as LibreOffice reads them:"; echo "$got"; echo "want:"; echo "$want"; status=1
fi
decisions=$(awk -F, 'NR > 1 { printf "%s ", $4 }' "$results")
[ "$decisions" = "block clear review error " ] || { echo "decisions: $decisions"; status=1; }
[ $status -eq 0 ] && echo "LibreOffice read Results, Matches and Run; ids kept as text; decisions: $decisions"
exit $status
