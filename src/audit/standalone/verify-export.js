#!/usr/bin/env node
/**
 * Independent, offline verifier for a motcua dossier export (format "motcua-dossier-export/1").
 * Plain CommonJS JavaScript using only node:crypto and node:fs, so an inspector can read all of it
 * and run it with any Node.js, without the motcua code base.
 *
 *   node verify-export.js dossier.json [--head <hash>] [--files DIR] [--anchor ID:DIGEST]...
 *
 * Checks, in order, and stops at the first broken event:
 * - seq runs 1, 2, 3… without gaps;
 * - each prevHash is the previous event's hash (the first one's is 64 zeros);
 * - each hash = sha256(prevHash + "\n" + canonicalJson({dossierId, seq, type, payload, actor,
 *   actorUnit, occurredAt, machineVersion})), where canonicalJson is JSON with object keys sorted
 *   (by UTF-16 code units) at every level and undefined members left out;
 * - `head` names the last event, `recordedHead` (the head the database row named) agrees, and the
 *   hash given with --head (a copy kept elsewhere, e.g. on a receipt or in a report) is in the chain.
 * - with --files DIR: every file an event references (any object in a payload with a 64-hex `sha256` and a
 *   numeric `size`: the hash chain covers these) is in DIR, found by hashing every regular file there (so
 *   the names do not matter: `npm run audit:export` writes them as files/<sha256>, a download keeps its
 *   own name), with that size. A referenced file missing or altered is BROKEN at the event naming it, unless
 *   the export's `deletions` hold an intact record of the retention job deleting it (then it is listed as
 *   "deleted by retention" with its record, not a failure).
 * - the audit checkpoints the export carries (`checkpoints`, every one, oldest first), as the online check does:
 *   ids 1, 2, 3… without gaps, each prevDigest the previous checkpoint's digest (the first one's is 64 zeros),
 *   each digest = sha256(prevDigest + "\n" + canonicalJson({id, createdAt, dossierCount, eventCount,
 *   changedCount, headsDigest, changedDigest, deletionCount, deletionHead})) (the last two only when not null);
 *   each --anchor ID:DIGEST (a digest kept outside the database) equal to that checkpoint's; and every head of
 *   this dossier a checkpoint anchored (`anchoredHeads`) still reached by its events with that hash. A tampered
 *   checkpoint is "BROKEN: checkpoint #N …"; an anchored head the events no longer reach is BROKEN at its seq.
 *   The heads of other dossiers are not in the export, so `headsDigest` and `changedDigest` are taken as they
 *   are (covered by the digest), not rebuilt: the online verifier (`audit:verify`) does that.
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

/** The files the events reference, in event order: { seq, sha256, size, name } (a file named twice is listed twice). */
function referencedFiles(doc) {
  const out = [];
  const walk = (seq, v) => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach((x) => walk(seq, x));
    if (typeof v.sha256 === 'string' && /^[0-9a-f]{64}$/.test(v.sha256) && typeof v.size === 'number')
      out.push({ seq, sha256: v.sha256, size: v.size, name: typeof v.name === 'string' ? v.name : '' });
    for (const k of Object.keys(v)) walk(seq, v[k]);
  };
  for (const e of doc.events) walk(e.seq, e.payload);
  return out;
}

/** sha256 and size of every regular file under dir (read in chunks: a large scan is not held in memory). */
function hashDirectory(dir) {
  const found = new Map();
  const buf = Buffer.alloc(1 << 20);
  const visit = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = d + '/' + entry.name;
      if (entry.isDirectory()) visit(p);
      else if (entry.isFile()) {
        const hash = crypto.createHash('sha256');
        const fd = fs.openSync(p, 'r');
        let size = 0;
        try {
          for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; size += n) hash.update(buf.subarray(0, n));
        } finally {
          fs.closeSync(fd);
        }
        found.set(hash.digest('hex'), size);
      }
    }
  };
  visit(dir);
  return found;
}

/**
 * The export's deletion records (`deletions`: the retention job's log rows for this dossier) whose own hash checks
 * out: sha256(prevHash + "\n" + canonicalJson({seq, sha256, dossierId, dossierCode, documentId, documentVersion,
 * rule, reason, at})), for this dossier. By file hash.
 */
function intactDeletions(doc) {
  const out = new Map();
  for (const d of Array.isArray(doc.deletions) ? doc.deletions : []) {
    const content = {
      seq: d.seq,
      sha256: d.sha256,
      dossierId: d.dossierId,
      dossierCode: d.dossierCode,
      documentId: d.documentId,
      documentVersion: d.documentVersion,
      rule: d.rule,
      reason: d.reason,
      at: d.at,
    };
    if (d.dossierId === doc.dossierId && eventHash(d.prevHash, content) === d.hash) out.set(d.sha256, d);
  }
  return out;
}

/**
 * null when every referenced file is in `found` (hash → size) or was deleted by the retention job (an intact
 * deletion record in the export names it; listed in `retained`), else { seq, message } for the first that is not.
 */
function verifyFiles(doc, found, retained = []) {
  const deletions = intactDeletions(doc);
  for (const f of referencedFiles(doc)) {
    const size = found.get(f.sha256);
    if (size === undefined && deletions.has(f.sha256)) {
      retained.push({ seq: f.seq, sha256: f.sha256, name: f.name, record: deletions.get(f.sha256) });
      continue;
    }
    if (size === undefined)
      return {
        seq: f.seq,
        message: 'file ' + f.sha256 + ' (' + f.name + ') is not among the files given (missing, or its bytes were altered)',
      };
    if (size !== f.size)
      return { seq: f.seq, message: 'file ' + f.sha256 + ' (' + f.name + ') has ' + size + ' bytes, the event recorded ' + f.size };
  }
  return null;
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

/** A checkpoint's digest, as src/audit/checkpoints.ts computes it. */
function checkpointDigest(c) {
  const content = {
    id: c.id,
    createdAt: c.createdAt,
    dossierCount: c.dossierCount,
    eventCount: c.eventCount,
    changedCount: c.changedCount,
    headsDigest: c.headsDigest,
    changedDigest: c.changedDigest,
  };
  if (c.deletionCount !== null && c.deletionCount !== undefined) content.deletionCount = c.deletionCount;
  if (c.deletionHead !== null && c.deletionHead !== undefined) content.deletionHead = c.deletionHead;
  return eventHash(c.prevDigest, content);
}

/**
 * null when the export's checkpoints (if any) chain and hash as they should, match every anchor kept elsewhere
 * (`anchors`: [{id, digest}]) and this dossier's events still reach every head they anchored; else
 * { seq, message } for the first that does not. Call after verifyExport (the events' own chain).
 */
function verifyCheckpoints(doc, anchors = []) {
  const checkpoints = Array.isArray(doc.checkpoints) ? doc.checkpoints : [];
  if (anchors.length && !checkpoints.length) return { seq: null, message: 'the export carries no checkpoints to compare --anchor with' };
  let prev = GENESIS_HASH;
  let expectedId = 1;
  const byId = new Map();
  for (const c of checkpoints) {
    if (c.id !== expectedId)
      return { seq: null, message: 'checkpoint #' + expectedId + ' missing before #' + c.id + ' (checkpoints removed or reordered)' };
    if (c.prevDigest !== prev)
      return { seq: null, message: 'checkpoint #' + c.id + ' does not link to the digest of the checkpoint before it' };
    if (checkpointDigest(c) !== c.digest)
      return { seq: null, message: 'checkpoint #' + c.id + ' was altered: its digest does not match its fields' };
    byId.set(c.id, c);
    prev = c.digest;
    expectedId += 1;
  }
  for (const a of anchors) {
    const c = byId.get(a.id);
    if (!c) return { seq: null, message: 'checkpoint #' + a.id + ', whose digest was kept elsewhere, is not in the export' };
    if (c.digest !== a.digest) return { seq: null, message: 'checkpoint #' + a.id + ' differs from the digest kept elsewhere' };
  }
  const hashAt = new Map(doc.events.map((e) => [e.seq, e.hash]));
  for (const h of Array.isArray(doc.anchoredHeads) ? doc.anchoredHeads : []) {
    if (!byId.has(h.checkpointId))
      return { seq: h.seq, message: 'an anchored head names checkpoint #' + h.checkpointId + ', which is not in the export' };
    if (h.seq === 0) continue;
    const hash = hashAt.get(h.seq);
    if (hash === undefined)
      return {
        seq: h.seq,
        message: 'checkpoint #' + h.checkpointId + ' anchored seq ' + h.seq + ', which the events no longer reach (events removed)',
      };
    if (hash !== h.hash)
      return {
        seq: h.seq,
        message: 'checkpoint #' + h.checkpointId + ' anchored another hash at this seq (the history was rewritten after it)',
      };
  }
  return null;
}

function main(argv) {
  const args = argv.slice(2);
  const valued = ['--head', '--files', '--anchor'];
  const file = args.find((a, i) => !a.startsWith('--') && !valued.includes(args[i - 1]));
  const anchors = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] !== '--anchor') continue;
    const m = /^(\d+):([0-9a-f]{64})$/.exec(args[i + 1] || '');
    if (!m) {
      process.stderr.write('--anchor expects ID:DIGEST (64 hex digits)\n');
      return 2;
    }
    anchors.push({ id: Number(m[1]), digest: m[2] });
  }
  const headAt = args.indexOf('--head');
  const expectedHead = headAt >= 0 ? args[headAt + 1] : undefined;
  const filesAt = args.indexOf('--files');
  const filesDir = filesAt >= 0 ? args[filesAt + 1] : undefined;
  if (!file || (filesAt >= 0 && !filesDir)) {
    process.stderr.write('usage: node verify-export.js dossier.json [--head <hash>] [--files DIR] [--anchor ID:DIGEST]...\n');
    return 2;
  }
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    process.stderr.write('cannot read ' + file + ': ' + err.message + '\n');
    return 2;
  }
  let found = null;
  if (filesDir) {
    try {
      found = hashDirectory(filesDir);
    } catch (err) {
      process.stderr.write('cannot read ' + filesDir + ': ' + err.message + '\n');
      return 2;
    }
  }
  const retained = [];
  const broken = verifyExport(doc, expectedHead) || verifyCheckpoints(doc, anchors) || (found && verifyFiles(doc, found, retained));
  if (broken) {
    process.stdout.write('BROKEN' + (broken.seq !== null ? ' at seq ' + broken.seq : '') + ': ' + broken.message + '\n');
    return 1;
  }
  process.stdout.write('OK ' + doc.code + ': ' + doc.events.length + ' events, head seq ' + doc.head.seq + ' ' + doc.head.hash + '\n');
  const checkpoints = Array.isArray(doc.checkpoints) ? doc.checkpoints : [];
  const heads = Array.isArray(doc.anchoredHeads) ? doc.anchoredHeads.length : 0;
  process.stdout.write(
    checkpoints.length
      ? 'checkpoints: ' +
          checkpoints.length +
          ' chained and hashed (the last #' +
          checkpoints[checkpoints.length - 1].id +
          ' ' +
          checkpoints[checkpoints.length - 1].digest +
          ')' +
          (anchors.length ? ', ' + anchors.length + ' equal to the digest kept elsewhere' : '') +
          '; ' +
          heads +
          ' head(s) of this dossier they anchored reached by its events\n'
      : 'checkpoints: none in the export (not checked)\n',
  );
  const files = referencedFiles(doc);
  if (files.length > 0)
    process.stdout.write(
      found
        ? 'files: ' +
            files.length +
            ' referenced, each present in ' +
            filesDir +
            ' with its SHA-256 and size' +
            (retained.length ? ', except ' + retained.length + ' deleted by the retention job (below)' : '') +
            '\n'
        : 'files: ' + files.length + ' referenced, not checked (give --files DIR)\n',
    );
  for (const r of retained)
    process.stdout.write(
      'deleted by retention: file ' +
        r.sha256 +
        ' (' +
        r.name +
        ') of seq ' +
        r.seq +
        ', deletion record ' +
        r.record.seq +
        ' at ' +
        r.record.at +
        ': ' +
        r.record.rule +
        '\n',
    );
  return 0;
}

module.exports = {
  canonicalJson,
  eventHash,
  verifyExport,
  referencedFiles,
  verifyFiles,
  intactDeletions,
  checkpointDigest,
  verifyCheckpoints,
};

if (require.main === module) process.exitCode = main(process.argv);
