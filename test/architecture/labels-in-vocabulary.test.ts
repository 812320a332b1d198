/**
 * One vocabulary (issue 11 §3): the Vietnamese labels of states, events, buttons, timeliness, reasons,
 * channels, return methods, outcomes, roles and forms are written once, in machines/vocabulary.ts. The
 * server's reports and forms import them; the web UI receives them from GET /api/vocabulary. A label
 * written again as a string literal anywhere else in src/ or machines/ is a second copy that will drift
 * (channel labels had four wordings), so this test fails on it.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  APOLOGY_STATUS_LABELS,
  CHANNEL_LABELS,
  COMPONENT_STATUS_LABELS,
  DRILL_FIGURE_LABELS,
  EXEMPTION_REASON_LABELS,
  FORM_LABELS,
  FORM_TITLES,
  MESSAGE_STATUS_LABELS,
  NOTICE_KIND_LABELS,
  OUTCOME_LABELS,
  PAUSE_REASON_LABELS,
  RETURN_METHOD_LABELS,
  REVIEW_CATEGORY_LABELS,
  ROLE_LABELS,
  STOP_ACTION_LABEL,
  TIMELINESS_LABELS,
  WITHDRAWAL_CHANNEL_LABELS,
} from '../../machines/vocabulary';

const ROOT = path.resolve(__dirname, '..', '..');
const HOME = 'machines/vocabulary.ts';

const LABELS = new Set<string>(
  [
    PAUSE_REASON_LABELS,
    EXEMPTION_REASON_LABELS,
    CHANNEL_LABELS,
    RETURN_METHOD_LABELS,
    WITHDRAWAL_CHANNEL_LABELS,
    OUTCOME_LABELS,
    ROLE_LABELS,
    FORM_LABELS,
    FORM_TITLES,
    REVIEW_CATEGORY_LABELS,
    APOLOGY_STATUS_LABELS,
    COMPONENT_STATUS_LABELS,
    { stop: STOP_ACTION_LABEL },
  ].flatMap((table) => Object.values(table)),
);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'vendor' ? [] : sourceFiles(p);
    return /\.(ts|js|html)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Pure: the labels that one file's text writes as a whole string literal ('…', "…" or `…`), as "line: label". */
export function labelCopies(text: string, labels: ReadonlySet<string>): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/'([^'\n]*)'|"([^"\n]*)"|`([^`\n]*)`/g)) {
      const s = m[1] ?? m[2] ?? m[3] ?? '';
      if (labels.has(s)) out.push(`${i + 1}: ${s}`);
    }
  });
  return out;
}

/**
 * Code tables whose words are also ordinary words elsewhere ("Quá hạn" as a column heading, "Tiếp nhận hồ sơ" as
 * a section title, a metric's own label), so they are not banned as bare strings:
 * in the web UI, a code written next to its vocabulary label (`due_soon: 'Sắp đến hạn'`, `['pendingDueSoon', 'Sắp đến hạn']`)
 * is a copy of the table.
 */
const UI_CODE_TABLES: Record<string, Readonly<Record<string, string>>> = {
  timeliness: TIMELINESS_LABELS,
  drillFigures: DRILL_FIGURE_LABELS,
  noticeKinds: NOTICE_KIND_LABELS,
  messageStatuses: MESSAGE_STATUS_LABELS,
};

/** Copies of a code table still written in the web UI, each with its reason (none today: keep it so). */
const KNOWN_UI_COPIES: string[] = [];

/** Pure: the codes of `tables` that one file's text writes next to their own label, as "table.code" (once each). */
export function codeLabelCopies(text: string, tables: Record<string, Readonly<Record<string, string>>>): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/(?<![\w-])['"`]?([A-Za-z_]+)['"`]?\s*[:,]\s*(?:'([^'\n]*)'|"([^"\n]*)")/g)) {
    const [code, label] = [m[1] ?? '', m[2] ?? m[3] ?? ''];
    for (const [name, table] of Object.entries(tables)) if (Object.hasOwn(table, code) && table[code] === label) out.add(`${name}.${code}`);
  }
  return [...out];
}

describe('labels live in machines/vocabulary.ts only', () => {
  test('the scanner finds a label written as a literal in any quotes, and not one inside a longer text', () => {
    const labels = new Set(['Trực tuyến', 'Cán bộ một cửa']);
    expect(labelCopies("const a = { online: 'Trực tuyến' };\nh('th', null, `Cán bộ một cửa`);", labels)).toEqual([
      '1: Trực tuyến',
      '2: Cán bộ một cửa',
    ]);
    expect(labelCopies("h('h3', null, 'Chờ tiếp nhận (nộp trực tuyến, bưu chính)');", labels)).toEqual([]);
  });

  test('no other module of src/ or machines/ (the web UI included) writes a vocabulary label again', () => {
    const copies = [...sourceFiles(path.join(ROOT, 'src')), ...sourceFiles(path.join(ROOT, 'machines'))]
      .map((f) => path.relative(ROOT, f).split(path.sep).join('/'))
      .filter((f) => f !== HOME)
      .flatMap((f) => labelCopies(fs.readFileSync(path.join(ROOT, f), 'utf8'), LABELS).map((c) => `${f}:${c}`));
    expect(copies).toEqual([]);
  });

  test('the code scanner finds a code written next to its own label, as a property or a pair', () => {
    const tables = { timeliness: { due_soon: 'Sắp đến hạn', overdue: 'Quá hạn' } };
    expect(codeLabelCopies("const F = [['all', 'Tất cả'], ['due_soon', 'Sắp đến hạn']];", tables)).toEqual(['timeliness.due_soon']);
    expect(codeLabelCopies('const L = { overdue: "Quá hạn" };', tables)).toEqual(['timeliness.overdue']);
    expect(
      codeLabelCopies("h('th', null, 'Quá hạn'); const x = { overdue: 'Quá hạn (ngày)' }, y = ['not-overdue', 'Quá hạn'];", tables),
    ).toEqual([]);
  });

  test('the web UI writes no timeliness, compliance-figure, notice-kind or message-status label next to its code', () => {
    const copies = sourceFiles(path.join(ROOT, 'src', 'web'))
      .map((f) => path.relative(ROOT, f).split(path.sep).join('/'))
      .flatMap((f) => codeLabelCopies(fs.readFileSync(path.join(ROOT, f), 'utf8'), UI_CODE_TABLES).map((c) => `${f}: ${c}`));
    expect(copies.filter((c) => !KNOWN_UI_COPIES.includes(c))).toEqual([]);
    // a known copy that is gone must leave the list
    expect(KNOWN_UI_COPIES.filter((c) => !copies.includes(c))).toEqual([]);
  });
});
