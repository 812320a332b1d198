/**
 * The users and sessions tables: staff accounts (with their password hashes) and bearer sessions.
 * Who may read or change them is decided by the services (src/services/auth/).
 */
import type { Knex } from 'knex';
import { ROLES, type Role } from '../../machines/procedures';
import { toIso, toIsoOrNull } from './time';

/** An account as the API shows it. */
export interface User {
  username: string;
  fullName: string;
  /** chức danh, printed under the name on forms and reports */
  title: string;
  roles: Role[];
  unit: string;
  active: boolean;
  demo: boolean;
  createdAt: string;
  passwordChangedAt: string;
}

/** An account with its password hash: only for the auth service. */
export interface UserRecord extends User {
  passwordHash: string;
}

type Db = Knex | Knex.Transaction;

function rolesOf(text: unknown): Role[] {
  const parsed: unknown = JSON.parse(String(text));
  return Array.isArray(parsed) ? parsed.filter((r): r is Role => (ROLES as readonly unknown[]).includes(r)) : [];
}

function recordOf(r: Record<string, unknown>): UserRecord {
  return {
    username: String(r.username),
    fullName: String(r.full_name),
    title: String(r.title ?? ''),
    roles: rolesOf(r.roles),
    unit: String(r.unit),
    active: Boolean(r.active),
    demo: Boolean(r.demo),
    createdAt: toIso(r.created_at),
    passwordChangedAt: toIso(r.password_changed_at),
    passwordHash: String(r.password_hash),
  };
}

export async function findUserRecord(db: Db, username: string): Promise<UserRecord | null> {
  const row = await db('users').where({ username }).first();
  return row ? recordOf(row) : null;
}

/** The account behind a session token hash, with the session's expiry and revocation: one indexed join per request. */
/**
 * The session ⋈ user lookup of every authenticated request, compiled once per database handle: Knex's builder
 * and compiler cost ~28 µs per request for a statement that never changes (bench/RESULTS.md, h16http). The
 * statement is the builder's own (one dialect's quoting and LIMIT), only its compilation is kept.
 */
const sessionLookupSql = new WeakMap<object, { sql: string; bindings: readonly unknown[]; at: number }>();
const TOKEN_PLACEHOLDER = '\u0000token';

function compiledSessionLookup(db: Db): { sql: string; bindings: readonly unknown[]; at: number } {
  const key = (db.client as { config: object }).config;
  let c = sessionLookupSql.get(key);
  if (!c) {
    const q = db('sessions')
      .join('users', 'users.username', 'sessions.username')
      .where('sessions.token_hash', TOKEN_PLACEHOLDER)
      .first('users.*', 'sessions.expires_at as session_expires_at', 'sessions.revoked_at as session_revoked_at')
      .toSQL();
    c = { sql: q.sql, bindings: q.bindings, at: q.bindings.indexOf(TOKEN_PLACEHOLDER) };
    sessionLookupSql.set(key, c);
  }
  return c;
}

export async function findSessionUser(
  db: Db,
  tokenHash: string,
): Promise<{ expiresAt: string; revokedAt: string | null; user: UserRecord } | null> {
  const c = compiledSessionLookup(db);
  const bindings = [...c.bindings];
  bindings[c.at] = tokenHash;
  const result = (await db.raw(c.sql, bindings as Knex.RawBinding[])) as Record<string, unknown>[] | { rows: Record<string, unknown>[] };
  const row = (Array.isArray(result) ? result : result.rows)[0];
  if (!row) return null;
  return { expiresAt: toIso(row.session_expires_at), revokedAt: toIsoOrNull(row.session_revoked_at), user: recordOf(row) };
}

export async function listUserRecords(db: Db, filter: { activeOnly?: boolean } = {}): Promise<UserRecord[]> {
  const q = db('users').orderBy('username');
  if (filter.activeOnly) q.where({ active: true });
  return (await q).map(recordOf);
}

/** Every account's full name and title by username: what forms and reports print instead of usernames. */
export async function peopleDirectory(db: Db): Promise<Map<string, { fullName: string; title: string }>> {
  const rows: { username: string; full_name: string; title: string | null }[] = await db('users').select('username', 'full_name', 'title');
  return new Map(rows.map((r) => [String(r.username), { fullName: String(r.full_name), title: String(r.title ?? '') }]));
}

export async function updatePasswordHash(db: Db, username: string, passwordHash: string, at: string): Promise<void> {
  await db('users').where({ username }).update({ password_hash: passwordHash, password_changed_at: at });
}

/** Sets an account's full name and/or title; false when there is no such account. */
export async function updateUserNames(db: Db, username: string, patch: { fullName?: string; title?: string }): Promise<boolean> {
  const cols: Record<string, string> = {};
  if (patch.fullName !== undefined) cols.full_name = patch.fullName;
  if (patch.title !== undefined) cols.title = patch.title;
  if (!Object.keys(cols).length) return (await findUserRecord(db, username)) !== null;
  return Number(await db('users').where({ username }).update(cols)) === 1;
}

/** Active accounts holding `role` in one of `units`, by unit then name (the signer lists). */
export async function listActiveUsersInUnits(db: Db, role: Role, units: readonly string[]): Promise<User[]> {
  if (!units.length) return [];
  const rows = (
    await db('users')
      .where({ active: true })
      .whereIn('unit', [...units])
      .orderBy(['unit', 'full_name'])
  ).map(recordOf);
  return rows.filter((u) => u.roles.includes(role)).map(publicUser);
}

/** Writes a user row with an already computed hash; false when the username is taken. */
export async function insertUserRecord(db: Db, u: Omit<UserRecord, 'passwordChangedAt'>): Promise<boolean> {
  const inserted = await db('users')
    .insert({
      username: u.username,
      full_name: u.fullName,
      title: u.title,
      password_hash: u.passwordHash,
      roles: JSON.stringify(u.roles),
      unit: u.unit,
      active: u.active,
      demo: u.demo,
      password_changed_at: u.createdAt,
      created_at: u.createdAt,
    })
    .onConflict('username')
    .ignore()
    .returning('username');
  return inserted.length > 0;
}

export function publicUser(u: UserRecord): User {
  const { passwordHash: _omit, ...user } = u;
  return user;
}

export async function insertSession(
  db: Db,
  s: { tokenHash: string; username: string; createdAt: string; expiresAt: string },
): Promise<void> {
  await db('sessions').insert({
    token_hash: s.tokenHash,
    username: s.username,
    created_at: s.createdAt,
    expires_at: s.expiresAt,
    revoked_at: null,
  });
}

/** Forgets a user's sessions that expired before `now`. */
export async function deleteExpiredSessions(db: Db, username: string, now: string): Promise<void> {
  await db('sessions').where({ username }).where('expires_at', '<', now).delete();
}

export async function revokeSession(db: Db, tokenHash: string, at: string): Promise<void> {
  await db('sessions').where({ token_hash: tokenHash }).whereNull('revoked_at').update({ revoked_at: at });
}

export async function revokeSessionsOf(db: Db, username: string, at: string): Promise<void> {
  await db('sessions').where({ username }).whereNull('revoked_at').update({ revoked_at: at });
}
