/**
 * The hash chain covers canonicalJson(content). Its definition is the standalone verifier's
 * (src/audit/standalone/verify-export.js), written for reading, not speed; the engine and the audit use a
 * faster builder of the same text (machines/engine/hash.ts). Over arbitrary values — nested objects with
 * unsorted, numeric-looking and non-ASCII keys, undefined members, sparse arrays, -0, lone surrogates — the
 * two must give the same text, and the event hash must be sha256 over prevHash, a newline and that text.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import fc from 'fast-check';
import '../support/fast-check-seed';
import { canonicalJson, eventHash, type HashedEventContent } from '../../machines/engine/hash';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the standalone verifier is plain CommonJS JavaScript, loaded as an inspector would
const standalone = require(path.resolve(__dirname, '../../src/audit/standalone/verify-export.js')) as {
  canonicalJson(v: unknown): string;
};

const key = fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('0', '1', '10', '9', 'a', 'A', 'Ä', 'b', ''));
const leaf = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(-0),
);
const { value: anything } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('object'), tie('array'), tie('sparse')),
  object: fc.dictionary(key, tie('value'), { maxKeys: 6 }),
  array: fc.array(tie('value'), { maxLength: 5 }),
  sparse: fc.sparseArray(tie('value'), { maxLength: 5 }),
}));

test('the fast canonical JSON is the standalone definition, on arbitrary values', () => {
  fc.assert(
    fc.property(anything, (v) => {
      expect(canonicalJson(v)).toBe(standalone.canonicalJson(v));
    }),
    { numRuns: 2000 },
  );
});

test('the fast canonical JSON is the standalone definition on JSON read back from text (what the audit hashes)', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => {
      const parsed: unknown = JSON.parse(JSON.stringify(v));
      expect(canonicalJson(parsed)).toBe(standalone.canonicalJson(parsed));
    }),
    { numRuns: 2000 },
  );
});

test('keys are sorted by UTF-16 code units at every level, undefined members left out', () => {
  expect(canonicalJson({ b: 1, a: { d: [3, { z: undefined, y: 2 }], c: null }, 10: 'x', 9: 'y', Ä: 0, Z: -0 })).toBe(
    '{"10":"x","9":"y","Z":0,"a":{"c":null,"d":[3,{"y":2}]},"b":1,"Ä":0}',
  );
});

test('an event hash is sha256 of the previous hash, a newline and the canonical content', () => {
  const content: HashedEventContent = {
    dossierId: 'd',
    seq: 2,
    type: 'ASSIGN',
    payload: { assignee: 'cv', note: 'ầ\ud800' },
    actor: 'lead',
    actorUnit: null,
    occurredAt: '2026-03-03T02:00:00.000Z',
    machineVersion: 3,
  };
  const prev = 'f'.repeat(64);
  const expected = createHash('sha256').update(prev).update('\n').update(standalone.canonicalJson(content)).digest('hex');
  expect(eventHash(prev, content)).toBe(expected);
});
