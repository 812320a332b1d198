/**
 * The per-dossier hash chain. Each event's hash covers its content and the previous event's hash,
 * so editing, removing, inserting or reordering events breaks the chain from that point on.
 * Pure; uses only node:crypto so an independent verifier can recompute it.
 */
import { hash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** JSON.stringify of the keys met so far: the same few dozen names recur in every event (bounded: past the limit, keys are quoted afresh). */
const quotedKeys = new Map<string, string>();
const QUOTED_KEYS_LIMIT = 10_000;

function quoted(key: string): string {
  let text = quotedKeys.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (quotedKeys.size < QUOTED_KEYS_LIMIT) quotedKeys.set(key, text);
  }
  return text;
}

/**
 * JSON with object keys sorted at every level: the same value always gives the same text. The definition is
 * the standalone verifier's (src/audit/standalone/verify-export.js: Object.entries without undefined members,
 * sorted by UTF-16 code units, `map` + `join` for arrays); this is the same text built without the
 * intermediate arrays, and without sorting keys that are already in order (test/audit/canonical-json.test.ts
 * holds the two to the same output on arbitrary values). The audit hashes every stored event with it.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      // `map` skips holes and `join` writes them, like an undefined result (a function), as nothing
      if (i in value) {
        const item = canonicalJson(value[i]) as string | undefined;
        if (item !== undefined) out += item;
      }
    }
    return out + ']';
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      keys.sort(byCodeUnit);
      break;
    }
  }
  let out = '{';
  for (const key of keys) {
    const v = object[key];
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${quoted(key)}:${canonicalJson(v)}`;
  }
  return out + '}';
}

export interface HashedEventContent {
  dossierId: string;
  seq: number;
  type: string;
  payload: unknown;
  actor: string;
  actorUnit: string | null;
  occurredAt: string;
  machineVersion: number;
}

/** sha256(prevHash + "\n" + canonicalJson(content)), hex: one call for the whole text (the separator keeps the parts apart). */
export function eventHash(prevHash: string, content: HashedEventContent): string {
  return hash('sha256', `${prevHash}\n${canonicalJson(content)}`, 'hex');
}
