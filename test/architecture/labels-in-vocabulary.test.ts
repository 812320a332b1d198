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
  CHANNEL_LABELS,
  EXEMPTION_REASON_LABELS,
  FORM_LABELS,
  FORM_TITLES,
  OUTCOME_LABELS,
  PAUSE_REASON_LABELS,
  RETURN_METHOD_LABELS,
  ROLE_LABELS,
  STOP_ACTION_LABEL,
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
});
