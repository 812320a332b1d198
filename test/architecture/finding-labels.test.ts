/**
 * Every kind of audit finding the verifier can report has a Vietnamese label on the auditor's page
 * (src/web/views/audit.js FINDING_LABELS): an auditor never reads a raw code such as `document_ref_drift`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_FINDING_KINDS } from '../../src/audit/verify-all';

function labelledKinds(): string[] {
  const source = readFileSync(join(__dirname, '../../src/web/views/audit.js'), 'utf8');
  const block = /export const FINDING_LABELS = \{([\s\S]*?)\n\};/.exec(source);
  if (!block) throw new Error('FINDING_LABELS not found in src/web/views/audit.js');
  return [...(block[1] ?? '').matchAll(/^\s*(\w+):\s*'[^']+'/gm)].map((m) => m[1] ?? '');
}

test('every audit finding kind has a Vietnamese label on the auditor page', () => {
  const labelled = new Set(labelledKinds());
  expect(ALL_FINDING_KINDS.filter((kind) => !labelled.has(kind))).toEqual([]);
});
