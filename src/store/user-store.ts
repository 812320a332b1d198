/**
 * The users and sessions tables: staff accounts (with their password hashes) and bearer sessions.
 * Who may read or change them is decided by the services (src/services/auth/).
 */
import type { Knex } from 'knex';
import { ROLES, type Role } from '../../machines/procedures';
import { selectOnDb } from './direct-sql';
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

/** An account by username: read per request for the assignee or signer a command names (straight to the driver, as the session lookup). */
export async function findUserRecord(db: Db, username: string): Promise<UserRecord | null> {
  const row = (await selectOnDb(db, 'SELECT * FROM users WHERE username = ? LIMIT 1', [username]))[0];
  return row ? recordOf(row) : null;
}

/**
 * The session ⋈ user lookup of every authenticated request, one indexed join (revocation, expiry and a disabled
 * account hold at the next request on every instance). Written once here and sent straight to the driver
 * (src/store/direct-sql.ts): Knex's builder, compiler and runner cost more than the statement itself
 * (bench/RESULTS.md, h16http).
 */
const SESSION_LOOKUP_SQL =
  'SELECT users.*, sessions.expires_at AS session_expires_at, sessions.revoked_at AS session_revoked_at ' +
  'FROM sessions INNER JOIN users ON users.username = sessions.username WHERE sessions.token_hash = ? LIMIT 1';

/** The account behind a session token hash, with the session's expiry and revocation. */
export async function findSessionUser(
  db: Db,
  tokenHash: string,
): Promise<{ expiresAt: string; revokedAt: string | null; user: UserRecord } | null> {
  const row = (await selectOnDb(db, SESSION_LOOKUP_SQL, [tokenHash]))[0];
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
