/**
 * The per-dossier hash chain. Each event's hash covers its content and the previous event's hash,
 * so editing, removing, inserting or reordering events breaks the chain from that point on.
 * Pure; uses only node:crypto so an independent verifier can recompute it.
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
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

export function eventHash(prevHash: string, content: HashedEventContent): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(content)).digest('hex');
}
