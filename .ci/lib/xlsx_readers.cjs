// Reads a workbook written by `screen scan -f xlsx` with two independent
// readers, ExcelJS and SheetJS, and checks what an officer would see.
// usage: node xlsx_readers.cjs FILE.xlsx EXPECT.json
// EXPECT.json: {"header": [...], "rows": N, "cells": {"A2": "=1+2", ...}, "creator": "screen v0.1.0"}
'use strict';
const fs = require('fs');

const [file, expectFile] = process.argv.slice(2);
const want = JSON.parse(fs.readFileSync(expectFile, 'utf8'));
let failures = 0;
function check(reader, cond, msg) {
  if (!cond) {
    failures++;
    console.error(`${reader}: ${msg}`);
  }
}

async function withExcelJS() {
  const ExcelJS = require('exceljs');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file); // refuses docProps/core.xml without the cp: prefix
  const names = wb.worksheets.map((w) => w.name);
  check('exceljs', JSON.stringify(names) === JSON.stringify(['Results', 'Matches', 'Run']), `sheets ${names}`);
  const ws = wb.getWorksheet('Results');
  const header = ws.getRow(1).values.slice(1);
  check('exceljs', JSON.stringify(header) === JSON.stringify(want.header), `header ${JSON.stringify(header)}`);
  check('exceljs', ws.actualRowCount === want.rows + 1, `${ws.actualRowCount} rows, want ${want.rows + 1}`);
  for (const [ref, v] of Object.entries(want.cells)) {
    const cell = ws.getCell(ref);
    check('exceljs', cell.type === ExcelJS.ValueType.String && cell.value === v,
      `${ref} = ${JSON.stringify(cell.value)} (type ${cell.type}), want the string ${JSON.stringify(v)}`);
  }
  check('exceljs', wb.creator === want.creator && wb.lastModifiedBy === want.creator,
    `creator ${wb.creator}, lastModifiedBy ${wb.lastModifiedBy}`);
  console.log(`exceljs ${require('exceljs/package.json').version}: ${names.join(', ')}; ${ws.actualRowCount - 1} result rows`);
}

function withSheetJS() {
  const XLSX = require('xlsx');
  const wb = XLSX.readFile(file, { cellStyles: true });
  check('sheetjs', JSON.stringify(wb.SheetNames) === JSON.stringify(['Results', 'Matches', 'Run']), `sheets ${wb.SheetNames}`);
  const ws = wb.Sheets.Results;
  const rows = XLSX.utils.sheet_to_json(ws, { header: 1, raw: true, defval: '' });
  check('sheetjs', JSON.stringify(rows[0]) === JSON.stringify(want.header), `header ${JSON.stringify(rows[0])}`);
  check('sheetjs', rows.length === want.rows + 1, `${rows.length} rows, want ${want.rows + 1}`);
  for (const [ref, v] of Object.entries(want.cells)) {
    const cell = ws[ref];
    check('sheetjs', cell && cell.t === 's' && cell.v === v && cell.f === undefined,
      `${ref} = ${JSON.stringify(cell)}, want the string ${JSON.stringify(v)} without a formula`);
  }
  const p = wb.Props || {};
  check('sheetjs', p.Author === want.creator && p.LastAuthor === want.creator, `Props ${JSON.stringify(p)}`);
  console.log(`sheetjs ${XLSX.version}: ${wb.SheetNames.join(', ')}; ${rows.length - 1} result rows`);
}

(async () => {
  try {
    await withExcelJS();
  } catch (e) {
    failures++;
    console.error(`exceljs: cannot read ${file}: ${e.message}`);
  }
  try {
    withSheetJS();
  } catch (e) {
    failures++;
    console.error(`sheetjs: cannot read ${file}: ${e.message}`);
  }
  if (failures > 0) {
    console.error(`${failures} check(s) failed`);
    process.exit(1);
  }
})();
