/**
 * The pure core is visibly pure, and dependencies run one way (issue 11 §4):
 * - dependency-cruiser (pinned devDependency) checks the import graph against .dependency-cruiser.cjs: machines/
 *   imports nothing from src/ or db/ (not even types), no Node I/O module, no npm package but xstate and zod;
 *   http → services → engine → store, never back;
 * - a static scan of machines/ (the TypeScript parser, not a regular expression) finds no clock or randomness:
 *   Date.now(), new Date() without arguments, Date(), performance.now(), Math.random(), process, crypto's random*.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');
const DEPCRUISE = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}

function cruise(): { violations: Violation[]; modules: number } {
  const out = spawnSync(process.execPath, [DEPCRUISE, '--config', '.dependency-cruiser.cjs', '--output-type', 'json', 'machines', 'src'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (out.status !== 0 && !out.stdout) throw new Error(`dependency-cruiser failed: ${out.stderr}`);
  const result = JSON.parse(out.stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  return { violations: result.summary.violations, modules: result.summary.totalCruised };
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|js|mjs|cjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every place in `text` that reads the clock or a random source, as "line: code". */
function clockReads(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const report = (node: ts.Node) => {
    const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    found.push(`${line + 1}: ${node.getText(sf)}`);
  };
  const isName = (n: ts.Node, name: string) => ts.isIdentifier(n) && n.text === name;
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node)) {
      const member = node.name.text;
      if (isName(node.expression, 'Date') && member === 'now') report(node);
      else if (isName(node.expression, 'performance') && member === 'now') report(node);
      else if (isName(node.expression, 'Math') && member === 'random') report(node);
      else if (/^random(UUID|Bytes|Int|Fill)$|^getRandomValues$/.test(member)) report(node);
    }
    if (ts.isNewExpression(node) && isName(node.expression, 'Date') && (node.arguments?.length ?? 0) === 0) report(node);
    if (ts.isCallExpression(node) && isName(node.expression, 'Date')) report(node);
    if (isName(node, 'process') || isName(node, 'setTimeout') || isName(node, 'setInterval')) report(node);
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && /^(node:)?crypto$/.test(node.moduleSpecifier.text)) {
      const bindings = node.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings))
        for (const b of bindings.elements) if (/^random|^getRandomValues$/.test(b.name.text)) report(b);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('the import graph', () => {
  let result: ReturnType<typeof cruise>;
  beforeAll(() => {
    result = cruise();
  }, 120_000);

  test('dependency-cruiser read the whole tree', () => {
    expect(result.modules).toBeGreaterThan(150);
  });

  test('the pure core (machines/) imports no application module, no I/O module and no package but xstate and zod', () => {
    expect(result.violations.filter((v) => v.rule.name.startsWith('pure-core') || v.rule.name.startsWith('io-libraries'))).toEqual([]);
  });

  test('dependencies run one way: http → services → engine → store', () => {
    expect(result.violations.filter((v) => v.rule.severity === 'error')).toEqual([]);
  });

  test('routes import no store and no SQL (src/http/ → src/store/ or knex)', () => {
    expect(result.violations.filter((v) => v.rule.name === 'routes-import-no-store')).toEqual([]);
  });
});

describe('the pure core reads no clock and no randomness', () => {
  test('the scanner finds each kind of clock read (and not a date built from a value)', () => {
    const code = [
      'const a = Date.now();',
      'const b = new Date();',
      'const c = new Date(x);',
      'const d = performance.now();',
      'const e = Math.random();',
      'const f = Date();',
      'const g = process.env.X;',
      "import { randomUUID, createHash } from 'node:crypto';",
    ].join('\n');
    expect(clockReads('x.ts', code)).toEqual([
      '1: Date.now',
      '2: new Date()',
      '4: performance.now',
      '5: Math.random',
      '6: Date()',
      '7: process',
      '8: randomUUID',
    ]);
  });

  test('no module under machines/ reads the clock', () => {
    const files = sourceFiles(path.join(ROOT, 'machines'));
    expect(files.length).toBeGreaterThan(20);
    const reads = files.flatMap((f) => clockReads(f, fs.readFileSync(f, 'utf8')).map((r) => `${path.relative(ROOT, f)}:${r}`));
    expect(reads).toEqual([]);
  });
});
