/**
 * Staff accounts: the users table and who may manage it. Creating and listing accounts is for
 * admins only; password hashes never leave this module except to the auth service that checks them.
 */
import type { Clock } from '../../engine/clock';
import { forbidden, notFound, validationFailed } from '../../../machines/engine/errors';
import { hasRole, type AuthUser } from '../auth-user';
import { hashPassword } from './passwords';
import { passwordPolicyIssues } from './password-policy';
import type { Db } from '../../store/db';
import {
  findUserRecord,
  insertUserRecord,
  listUserRecords,
  publicUser,
  updateUserNames,
  type User,
  type UserRecord,
} from '../../store/user-store';
import type { Role } from '../../../machines/procedures';

/** Input to createUser; the HTTP layer has validated each field's shape. */
export interface NewUser {
  username: string;
  fullName: string;
  title: string;
  password: string;
  roles: Role[];
  unit: string;
}

export function toAuthUser(u: User): AuthUser {
  const roles: AuthUser['roles'] = u.roles.includes('auditor') ? ['auditor'] : [...u.roles];
  return { username: u.username, fullName: u.fullName, title: u.title, roles, unit: u.unit };
}

function requireAdmin(actor: AuthUser): void {
  if (!hasRole(actor, 'admin')) throw forbidden('Chỉ quản trị hệ thống được quản lý tài khoản');
}

export class UsersService {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  async createUser(actor: AuthUser, input: NewUser): Promise<User> {
    requireAdmin(actor);
    const weak = passwordPolicyIssues('password', input.password, input);
    if (weak.length > 0) throw validationFailed(weak, 'Mật khẩu không đạt yêu cầu');
    const taken = () =>
      validationFailed([{ field: 'username', code: 'already_exists', reason: 'already exists' }], 'Tên đăng nhập đã tồn tại');
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
