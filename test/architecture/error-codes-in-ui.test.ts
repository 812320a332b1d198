/**
 * Rule: the web UI never shows a raw error code and never reads the server's message text to decide what to do.
 * Every code the server can send (the ErrorCode union in machines/engine/errors.ts, and every code string the
 * HTTP layer writes in src/http/) has a Vietnamese message in ERROR_LABELS (machines/vocabulary.ts), which
 * GET /api/vocabulary serves and the UI's code→message map (src/web/labels.js ERROR_LABELS) is filled from;
 * the codes the UI derives from a bare HTTP status (src/web/api.js STATUS_CODES) are in it too. And no file
 * of the web UI branches on an error's message (===, includes, startsWith, match, a regex test).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ERROR_LABELS } from '../../machines/vocabulary';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');

function filesUnder(rel: string, ext: RegExp): string[] {
  return fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true }).flatMap((e) => {
    const p = path.join(rel, e.name);
    return e.isDirectory() ? filesUnder(p, ext) : ext.test(e.name) ? [p] : [];
  });
}

/** the literal members of `export type ErrorCode = | 'A' | 'B' …;` */
function errorCodeUnion(): string[] {
  const src = read('machines/engine/errors.ts');
  const m = /export type ErrorCode =([^;]+);/.exec(src);
  if (!m) throw new Error('ErrorCode union not found in machines/engine/errors.ts');
  return [...m[1]!.matchAll(/'([A-Z_]+)'/g)].map((x) => x[1]!);
}

/** every `code: 'SOME_CODE'` and every code in a status→code table the HTTP layer writes */
function httpLayerCodes(): string[] {
  const codes = new Set<string>();
  for (const file of filesUnder('src/http', /\.ts$/)) {
    const src = read(file);
    for (const m of src.matchAll(/\bcode: '([A-Z][A-Z_]+)'/g)) codes.add(m[1]!);
    for (const m of src.matchAll(/^\s+\d{3}: '([A-Z][A-Z_]+)',$/gm)) codes.add(m[1]!);
    for (const m of src.matchAll(/\?\? '([A-Z][A-Z_]+)'/g)) codes.add(m[1]!);
  }
  return [...codes];
}

const VIETNAMESE = /[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]/i;

describe('rule: every error code the server sends has a Vietnamese message in the UI', () => {
  const labels = ERROR_LABELS as Record<string, string>;

  test('the ErrorCode union is read (the scan finds the codes the engine throws)', () => {
    expect(errorCodeUnion()).toEqual(expect.arrayContaining(['VALIDATION_FAILED', 'TRANSITION_NOT_ALLOWED', 'VERSION_CONFLICT']));
    expect(httpLayerCodes()).toEqual(expect.arrayContaining(['INTERNAL', 'HEADERS_TOO_LARGE', 'METHOD_NOT_ALLOWED', 'BAD_REQUEST']));
  });

  test.each([...new Set([...errorCodeUnion(), ...httpLayerCodes()])])('%s has a Vietnamese message', (code) => {
    expect(labels[code]).toEqual(expect.stringMatching(VIETNAMESE));
    expect(labels[code]).not.toContain(code);
  });

  test('the codes the UI derives from a bare HTTP status (src/web/api.js STATUS_CODES) have messages too', () => {
    const table = /const STATUS_CODES = \{([^}]+)\}/.exec(read('src/web/api.js'));
    expect(table).not.toBeNull();
    const derived = [...table![1]!.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]!);
    expect(derived.length).toBeGreaterThan(3);
    for (const code of derived) expect([code, labels[code]]).toEqual([code, expect.stringMatching(VIETNAMESE)]);
  });

  test("the UI's code→message map is the vocabulary's (filled from GET /api/vocabulary), and api.js falls back to it, never to the code", () => {
    expect(read('src/web/labels.js')).toMatch(/Object\.assign\(ERROR_LABELS, v\.errors\)/);
    const api = read('src/web/api.js');
    expect(api).toMatch(/ERROR_LABELS\[code\] \?\?/);
    // the message an ApiError carries is the server's text or the label, not the code
    expect(api).not.toMatch(/new ApiError\([^,]+,\s*code,\s*code\b/);
  });

  test('no web UI file decides anything from an error message text', () => {
    const offenders: string[] = [];
    const MATCHING = [
      /\.message\s*(===|!==|==|!=)/,
      /(===|!==|==|!=)\s*\w+\.message\b/,
      /\.message\??\.(includes|startsWith|endsWith|match|indexOf|search)\(/,
      /\.test\(\s*[\w.]*\.message\b/,
    ];
    for (const file of filesUnder('src/web', /\.js$/)) {
      read(file)
        .split('\n')
        .forEach((line, i) => {
          if (MATCHING.some((re) => re.test(line))) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });
});
