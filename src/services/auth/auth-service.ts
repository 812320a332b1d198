/**
 * Signing in and out: password login issuing a bearer session, token checks for every request,
 * logout, password change, and login throttling. Sessions and throttle counters live in the
 * database (sessions, rate_limits) so several server instances share them. All times come from
 * the injected clock.
 *
 * Throttling: at most 5 failed logins per account and per client address in 15 minutes; the 5th
 * failure locks the bucket for 15 minutes, during which even the right password is answered 429.
 * A failed login never says whether the account exists.
 */
import type { Knex } from 'knex';
import type { Clock } from '../../engine/clock';
import { MotcuaError, validationFailed } from '../../../machines/engine/errors';
import type { AuthUser } from '../auth-user';
import { bucketName, check, clear, hit, type RateLimitOptions } from '../rate-limit';
import { dummyHash, hashPassword, verifyPassword } from './passwords';
import { hashToken, looksLikeToken, newToken } from './tokens';
import { findSessionUser, findUserRecord, toAuthUser, updatePasswordHash } from './users-service';

export interface AuthOptions {
  sessionTtlMs: number;
  maxFailures: number;
  windowMs: number;
}

export const DEFAULT_AUTH_OPTIONS: AuthOptions = {
  sessionTtlMs: 12 * 3600 * 1000,
  maxFailures: 5,
  windowMs: 15 * 60 * 1000,
};

export interface Session {
  token: string;
  expiresAt: string;
  user: AuthUser;
}

const LOGIN_FAILED = 'Tên đăng nhập hoặc mật khẩu không đúng';
const SESSION_INVALID = 'Phiên đăng nhập không hợp lệ hoặc đã hết hạn, hãy đăng nhập lại';

export const userBucket = (username: string) => bucketName('login:user:', username);
export const addressBucket = (address: string) => bucketName('login:ip:', address);

export class AuthService {
  private readonly opts: AuthOptions;

  constructor(
    private readonly deps: { db: Knex; clock: Clock },
    opts: Partial<AuthOptions> = {},
  ) {
    this.opts = { ...DEFAULT_AUTH_OPTIONS, ...opts };
    void dummyHash(); // computed now, so the first unknown-user login is not faster than the rest
  }

  async login(username: string, password: string, clientAddress?: string): Promise<Session> {
    const buckets = [userBucket(username), ...(clientAddress ? [addressBucket(clientAddress)] : [])];
    await this.refuseIfLocked(buckets);
    const record = await findUserRecord(this.deps.db, username);
    const matches = await verifyPassword(password, record?.passwordHash ?? (await dummyHash()));
    if (!record || !record.active || !matches) {
      for (const b of buckets) await this.recordFailure(b);
      throw new MotcuaError('UNAUTHENTICATED', LOGIN_FAILED);
    }
    await clear(this.deps.db, userBucket(username));
    return this.openSession(toAuthUser(record));
  }

  /** The user behind a bearer token; UNAUTHENTICATED when unknown, expired, revoked or the account is inactive. */
  async authenticate(token: string): Promise<AuthUser> {
    if (!looksLikeToken(token)) throw new MotcuaError('UNAUTHENTICATED', SESSION_INVALID);
    const found = await findSessionUser(this.deps.db, hashToken(token));
    const now = this.deps.clock.now().getTime();
    if (!found || found.revokedAt !== null || Date.parse(found.expiresAt) <= now || !found.user.active) {
      throw new MotcuaError('UNAUTHENTICATED', SESSION_INVALID);
    }
    return toAuthUser(found.user);
  }

  async logout(token: string): Promise<void> {
    if (!looksLikeToken(token)) return;
    await this.deps.db('sessions')
      .where({ token_hash: hashToken(token) })
      .whereNull('revoked_at')
      .update({ revoked_at: this.now() });
  }

  /** Changes the password and revokes every session of the user, this one included. */
  async changePassword(user: AuthUser, oldPassword: string, newPassword: string): Promise<void> {
    const bucket = userBucket(user.username);
    await this.refuseIfLocked([bucket]);
    const record = await findUserRecord(this.deps.db, user.username);
    if (!record || !(await verifyPassword(oldPassword, record.passwordHash))) {
      await this.recordFailure(bucket);
      throw validationFailed([{ field: 'oldPassword', reason: 'incorrect' }], 'Mật khẩu hiện tại không đúng');
    }
    if (oldPassword === newPassword) {
      throw validationFailed([{ field: 'newPassword', reason: 'must differ from the current password' }], 'Mật khẩu mới phải khác mật khẩu hiện tại');
    }
    const hash = await hashPassword(newPassword);
    const at = this.now();
    await this.deps.db.transaction(async (tx) => {
      await updatePasswordHash(tx, user.username, hash, at);
      await tx('sessions').where({ username: user.username }).whereNull('revoked_at').update({ revoked_at: at });
    });
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  private async openSession(user: AuthUser): Promise<Session> {
    const now = this.deps.clock.now();
    const token = newToken();
    const expiresAt = new Date(now.getTime() + this.opts.sessionTtlMs).toISOString();
    await this.deps.db('sessions').where({ username: user.username }).where('expires_at', '<', now.toISOString()).delete();
    await this.deps.db('sessions').insert({
      token_hash: hashToken(token),
      username: user.username,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      revoked_at: null,
    });
    return { token, expiresAt, user };
  }

  private throttle(): RateLimitOptions {
    return { limit: this.opts.maxFailures, windowMs: this.opts.windowMs, now: this.deps.clock.now(), lockout: true };
  }

  /** 429 when any bucket holds maxFailures failures from the current window. */
  private async refuseIfLocked(buckets: string[]): Promise<void> {
    let retryAfterSeconds = 0;
    for (const bucket of buckets) {
      const decision = await check(this.deps.db, bucket, this.throttle());
      if (!decision.allowed) retryAfterSeconds = Math.max(retryAfterSeconds, decision.retryAfterSeconds);
    }
    if (retryAfterSeconds > 0) {
      throw new MotcuaError(
        'RATE_LIMITED',
        `Đăng nhập sai quá nhiều lần. Hãy thử lại sau ${Math.ceil(retryAfterSeconds / 60)} phút`,
        { retryAfterSeconds },
      );
    }
  }

  /**
   * One failure, counted atomically in the database: a window older than windowMs starts over at 1;
   * the failure that reaches maxFailures restarts the window so the lockout lasts a full windowMs.
   */
  private async recordFailure(bucket: string): Promise<void> {
    await hit(this.deps.db, bucket, this.throttle());
  }
}
