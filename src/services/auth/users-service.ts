/**
 * Staff accounts: the users table and who may manage it. Creating and listing accounts is for
 * admins only; password hashes never leave this module except to the auth service that checks them.
 */
import type { Knex } from 'knex';
import { ROLES, type Role } from '../../../machines/procedures';
import type { Clock } from '../../engine/clock';
import { forbidden, notFound, validationFailed } from '../../../machines/engine/errors';
import { toIso, toIsoOrNull } from '../../store/time';
import { hasRole, type AuthUser } from '../auth-user';
import { hashPassword } from './passwords';

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

/** Input to createUser; the HTTP layer has validated each field's shape. */
export interface NewUser {
  username: string;
  fullName: string;
  title: string;
  password: string;
  roles: Role[];
  unit: string;
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

export function publicUser(u: UserRecord): User {
  const { passwordHash: _omit, ...user } = u;
  return user;
}

/**
 * The signed-in user. An account holding `auditor` acts as an auditor only, whatever else it holds: the
 * auditor only reads (docs/access-policy.md; new accounts cannot combine it).
 */
export function toAuthUser(u: User): AuthUser {
  const roles: AuthUser['roles'] = u.roles.includes('auditor') ? ['auditor'] : [...u.roles];
  return { username: u.username, fullName: u.fullName, title: u.title, roles, unit: u.unit };
}

export async function findUserRecord(db: Db, username: string): Promise<UserRecord | null> {
  const row = await db('users').where({ username }).first();
  return row ? recordOf(row) : null;
}

/** The account behind a session token hash, with the session's expiry and revocation: one indexed join per request. */
export async function findSessionUser(
  db: Db,
  tokenHash: string,
): Promise<{ expiresAt: string; revokedAt: string | null; user: UserRecord } | null> {
  const row = await db('sessions')
    .join('users', 'users.username', 'sessions.username')
    .where('sessions.token_hash', tokenHash)
    .first('users.*', 'sessions.expires_at as session_expires_at', 'sessions.revoked_at as session_revoked_at');
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
  const rows = (await db('users').where({ active: true }).whereIn('unit', [...units]).orderBy(['unit', 'full_name'])).map(recordOf);
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

function requireAdmin(actor: AuthUser): void {
  if (!hasRole(actor, 'admin')) throw forbidden('Chỉ quản trị hệ thống được quản lý tài khoản');
}

export class UsersService {
  constructor(private readonly deps: { db: Knex; clock: Clock }) {}

  async createUser(actor: AuthUser, input: NewUser): Promise<User> {
    requireAdmin(actor);
    const taken = () => validationFailed([{ field: 'username', code: 'already_exists', reason: 'already exists' }], 'Tên đăng nhập đã tồn tại');
    if (await findUserRecord(this.deps.db, input.username)) throw taken();
    const record: Omit<UserRecord, 'passwordChangedAt'> = {
      username: input.username,
      fullName: input.fullName,
      title: input.title,
      roles: [...new Set(input.roles)],
      unit: input.unit,
      active: true,
      demo: false,
      createdAt: this.deps.clock.now().toISOString(),
      passwordHash: await hashPassword(input.password),
    };
    // Two admins racing on the same name: the primary key decides, the loser gets the same answer.
    if (!(await insertUserRecord(this.deps.db, record))) throw taken();
    return publicUser({ ...record, passwordChangedAt: record.createdAt });
  }

  async listUsers(actor: AuthUser): Promise<User[]> {
    requireAdmin(actor);
    return (await listUserRecords(this.deps.db)).map(publicUser);
  }

  /** Changes an account's full name and/or title (admins only). */
  async updateNames(actor: AuthUser, username: string, patch: { fullName?: string; title?: string }): Promise<User> {
    requireAdmin(actor);
    if (!(await updateUserNames(this.deps.db, username, patch))) throw notFound('tài khoản', username);
    return publicUser((await findUserRecord(this.deps.db, username))!);
  }

  /** An account: admins see anyone, others only themselves. */
  async getUser(actor: AuthUser, username: string): Promise<User> {
    if (actor.username !== username) requireAdmin(actor);
    const record = await findUserRecord(this.deps.db, username);
    if (!record) throw notFound('tài khoản', username);
    return publicUser(record);
  }
}
