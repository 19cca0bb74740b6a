#!/usr/bin/env bash
# Consumer check: the XLSX report opens in ExcelJS and in SheetJS (two
# independent readers, from npm), with the core properties, the Results
# columns, and cells that start like formulas kept as the strings given.
set -euo pipefail
source .ci/lib/common.sh
ci_tmpdir
work=$CI_TMP
ci_build_screen "$work/screen"
ci_consumer_input "$work/in.csv"
"$work/screen" scan "$work/in.csv" -f xlsx -o "$work/out.xlsx" --no-fail --deterministic -q
header=$("$work/screen" scan "$work/in.csv" -f csv --no-fail --deterministic -q | sed -n 1p)
tool=$("$work/screen" version | sed -n 1p)
ci_npm "$work/node" exceljs@4.4.0 xlsx@0.18.5
cat >"$work/expect.json" <<JSON
{"header": $(printf '%s' "$header" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.stringify(s.trim().split(","))))'),
 "rows": 4,
 "cells": {"A2": "=1+2", "A3": "@SUM(A1)", "A4": "+cmd|' /C calc'!A0", "F2": "-2+3 Trading"},
 "creator": "$tool"}
JSON
NODE_PATH="$work/node/node_modules" node .ci/lib/xlsx_readers.cjs "$work/out.xlsx" "$work/expect.json"
