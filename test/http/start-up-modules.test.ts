/**
 * Starting the server does not load what only an export needs: exceljs (and the zip libraries under it)
 * were most of the start-up's module loading, and are loaded by the first XLSX export instead.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

function packagesLoadedBy(script: string): string[] {
  const out = execFileSync(
    process.execPath,
    [
      '-r',
      path.join(ROOT, 'test', 'support', 'ts-hook.js'),
      '-e',
      `${script}; const s = new Set(Object.keys(require.cache).map((k) => /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(k)?.[1]).filter(Boolean)); console.log(JSON.stringify([...s]))`,
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as string[];
}

test('the HTTP application loads without exceljs; the XLSX writer loads it when a workbook is written', () => {
  const atStart = packagesLoadedBy(`require('./src/http/app')`);
  expect(atStart).toContain('express');
  expect(atStart).not.toContain('exceljs');
  const afterExport = packagesLoadedBy(
    `const { writeMonthlyReportXlsx } = require('./src/reports/formats/xlsx'); const { PassThrough } = require('node:stream'); const out = new PassThrough(); out.resume(); writeMonthlyReportXlsx(out, { month: '2026-03', rows: [], total: {} }).catch(() => {})`,
  );
  expect(afterExport).toContain('exceljs');
}, 120_000);
