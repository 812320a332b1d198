#!/usr/bin/env node
/**
 * Independent, offline verifier for a motcua dossier export (format "motcua-dossier-export/1").
 * Plain CommonJS JavaScript using only node:crypto and node:fs, so an inspector can read all of it
 * and run it with any Node.js, without the motcua code base.
 *
 *   node verify-export.js dossier.json [--head <hash>]
 *
 * Checks, in order, and stops at the first broken event:
 * - seq runs 1, 2, 3… without gaps;
 * - each prevHash is the previous event's hash (the first one's is 64 zeros);
 * - each hash = sha256(prevHash + "\n" + canonicalJson({dossierId, seq, type, payload, actor,
 *   actorUnit, occurredAt, machineVersion})), where canonicalJson is JSON with object keys sorted
 *   (by UTF-16 code units) at every level and undefined members left out;
 * - `head` names the last event, `recordedHead` (the head the database row named) agrees, and the
 *   hash given with --head (a copy kept elsewhere, e.g. on a receipt or in a report) is in the chain.
 * Prints "OK ..." and exits 0, or "BROKEN at seq N: ..." and exits 1 (2 for an unreadable file).
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');

const GENESIS_HASH = '0'.repeat(64);

function canonicalJson(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value === undefined ? null : value);
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return '{' + entries.map(([k, v]) => JSON.stringify(k) + ':' + canonicalJson(v)).join(',') + '}';
}

function eventHash(prevHash, content) {
  return crypto.createHash('sha256').update(prevHash).update('\n').update(canonicalJson(content)).digest('hex');
}

/** Returns null when the export verifies, else { seq, message } for the first broken event. */
function verifyExport(doc, expectedHead) {
  if (!doc || doc.format !== 'motcua-dossier-export/1') return { seq: null, message: 'not a motcua-dossier-export/1 document' };
  if (typeof doc.dossierId !== 'string' || !Array.isArray(doc.events)) return { seq: null, message: 'dossierId or events missing' };
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const e of doc.events) {
    if (e.seq !== expectedSeq) {
      return {
        seq: expectedSeq,
        message:
          e.seq > expectedSeq
            ? 'seq ' + expectedSeq + (e.seq - 1 > expectedSeq ? '–' + (e.seq - 1) : '') + ' missing (next is seq ' + e.seq + ')'
            : 'seq ' + e.seq + ' out of order (expected ' + expectedSeq + ')',
      };
    }
    if (e.prevHash !== prev)
      return {
        seq: e.seq,
        message: e.type + ": prevHash does not match the previous event's hash (an event was removed, inserted or reordered before it)",
      };
    const content = {
      dossierId: doc.dossierId,
      seq: e.seq,
      type: e.type,
      payload: e.payload,
      actor: e.actor,
      actorUnit: e.actorUnit,
      occurredAt: e.occurredAt,
      machineVersion: e.machineVersion,
    };
    if (eventHash(e.prevHash, content) !== e.hash) return { seq: e.seq, message: e.type + ': content does not match its hash (edited)' };
    prev = e.hash;
    expectedSeq += 1;
  }
  const last = doc.events[doc.events.length - 1];
  const lastSeq = last ? last.seq : 0;
  if (!doc.head || doc.head.seq !== lastSeq || doc.head.hash !== prev) {
    return {
      seq: lastSeq + 1,
      message:
        'head names seq ' +
        (doc.head && doc.head.seq) +
        ' but the events end at seq ' +
        lastSeq +
        ' (events removed from the end, or head edited)',
    };
  }
  if (doc.recordedHead && (doc.recordedHead.seq !== lastSeq || doc.recordedHead.hash !== prev)) {
    return {
      seq: Math.min(lastSeq, doc.recordedHead.seq) + 1,
      message: 'the database recorded head seq ' + doc.recordedHead.seq + ' but the events end at seq ' + lastSeq,
    };
  }
  if (expectedHead && !doc.events.some((e) => e.hash === expectedHead)) {
    return { seq: null, message: 'the hash given with --head is not in this chain (the history was rewritten or cut)' };
  }
  return null;
}

function main(argv) {
  const args = argv.slice(2);
  const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--head');
  const headAt = args.indexOf('--head');
  const expectedHead = headAt >= 0 ? args[headAt + 1] : undefined;
  if (!file) {
    process.stderr.write('usage: node verify-export.js dossier.json [--head <hash>]\n');
    return 2;
  }
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    process.stderr.write('cannot read ' + file + ': ' + err.message + '\n');
    return 2;
  }
  const broken = verifyExport(doc, expectedHead);
  if (broken) {
    process.stdout.write('BROKEN' + (broken.seq !== null ? ' at seq ' + broken.seq : '') + ': ' + broken.message + '\n');
    return 1;
  }
  process.stdout.write('OK ' + doc.code + ': ' + doc.events.length + ' events, head seq ' + doc.head.seq + ' ' + doc.head.hash + '\n');
  return 0;
}

module.exports = { canonicalJson, eventHash, verifyExport };

if (require.main === module) process.exitCode = main(process.argv);
