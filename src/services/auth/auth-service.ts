/**
 * Signing in and out: password login issuing a bearer session, token checks for every request,
 * logout, password change, and login throttling. Sessions and throttle counters live in the
 * database (sessions, rate_limits) so several server instances share them. All times come from
 * the injected clock.
 *
 * Throttling (docs/deploy.md): every attempt is counted before the password is checked, in one atomic
 * statement per bucket (rate_limits), and refunded when it was not a failure; so a burst of parallel
 * attempts on any number of instances checks at most `maxFailures` passwords. Three buckets:
 * - account and address: `maxFailures` failures in `windowMs`, then that address is locked out of that
 *   account for a full window (5 in 15 minutes);
 * - account: the same budget counted over every address the account has NOT signed in from during the
 *   last `knownAddressMs` (90 days); a stranger can lock `admin` out of the internet, not out of the office;
 * - address: `addressBudget` failures in `windowMs` over every account an address does not know (100),
 *   so colleagues behind one NAT are not locked out by one of them, and a password sprayer still is.
 * A successful login clears the account-and-address failures, takes its own attempt back from the other
 * two (strangers' failures stay counted), and remembers the address.
 * A failed login never says whether the account exists; a lockout looks the same for real and unknown accounts.
 */
import type { Clock } from '../../engine/clock';
import { MotcuaError, validationFailed } from '../../../machines/engine/errors';
import type { AuthUser } from '../auth-user';
import { isKnownLoginAddress, rememberLoginAddress } from '../../store/login-address-store';
import { bucketName, clear, hitAll, refund, type RateLimitOptions } from '../rate-limit';
import { dummyHash, hashPassword, verifyPassword } from './passwords';
import { passwordPolicyIssues } from './password-policy';
import { hashToken, looksLikeToken, newToken } from './tokens';
import { toAuthUser } from './users-service';
import { inRetriedTransaction, type Db } from '../../store/db';
import {
  deleteExpiredSessions,
  findSessionUser,
  findUserRecord,
  insertSession,
  revokeSession,
  revokeSessionsOf,
  updatePasswordHash,
} from '../../store/user-store';

export interface AuthOptions {
  sessionTtlMs: number;
  maxFailures: number;
  windowMs: number;
  /** failures one address may make in windowMs over the accounts that have not signed in from it */
  addressBudget: number;
  /** how long a successful sign-in makes an address known to the account */
  knownAddressMs: number;
}

export const DEFAULT_AUTH_OPTIONS: AuthOptions = {
  sessionTtlMs: 12 * 3600 * 1000,
  maxFailures: 5,
  windowMs: 15 * 60 * 1000,
  addressBudget: 100,
  knownAddressMs: 90 * 24 * 3600 * 1000,
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
export const accountAddressBucket = (username: string, address: string) => bucketName('login:user-ip:', `${username}|${address}`);

export class AuthService {
  private readonly opts: AuthOptions;

  constructor(
    private readonly deps: { db: Db; clock: Clock },
    opts: Partial<AuthOptions> = {},
  ) {
    this.opts = { ...DEFAULT_AUTH_OPTIONS, ...opts };
    void dummyHash(); // computed now, so the first unknown-user login is not faster than the rest
  }

  async login(username: string, password: string, clientAddress?: string): Promise<Session> {
    const { db, clock } = this.deps;
    const known =
      clientAddress !== undefined &&
      (await isKnownLoginAddress(db, username, clientAddress, new Date(clock.now().getTime() - this.opts.knownAddressMs).toISOString()));
    const limits: [string, number][] = [];
    if (clientAddress !== undefined) limits.push([accountAddressBucket(username, clientAddress), this.opts.maxFailures]);
    if (!known) limits.push([userBucket(username), this.opts.maxFailures]);
    if (clientAddress !== undefined && !known) limits.push([addressBucket(clientAddress), this.opts.addressBudget]);
    const counted = await this.countAttempt(limits);
    const record = await findUserRecord(db, username);
    const matches = await verifyPassword(password, record?.passwordHash ?? (await dummyHash()));
    if (!record || !record.active || !matches) throw new MotcuaError('UNAUTHENTICATED', LOGIN_FAILED);
    // This address's failures for this account were the user's own: forgotten. The account's and the
    // address's wider counts keep strangers' failures; only this attempt is taken back from them.
    for (const bucket of counted) {
      if (clientAddress !== undefined && bucket === accountAddressBucket(username, clientAddress)) await clear(db, bucket);
      else await refund(db, bucket);
    }
    if (clientAddress !== undefined) await rememberLoginAddress(db, username, clientAddress, this.now());
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
    await revokeSession(this.deps.db, hashToken(token), this.now());
  }

  /** Changes the password and revokes every session of the user, this one included. */
  async changePassword(user: AuthUser, oldPassword: string, newPassword: string): Promise<void> {
    const bucket = userBucket(user.username);
    await this.countAttempt([[bucket, this.opts.maxFailures]]);
    const record = await findUserRecord(this.deps.db, user.username);
    if (!record || !(await verifyPassword(oldPassword, record.passwordHash))) {
      throw validationFailed([{ field: 'oldPassword', code: 'incorrect', reason: 'incorrect' }], 'Mật khẩu hiện tại không đúng');
    }
    await refund(this.deps.db, bucket);
    if (oldPassword === newPassword) {
      throw validationFailed(
        [{ field: 'newPassword', code: 'must_differ', reason: 'must differ from the current password' }],
        'Mật khẩu mới phải khác mật khẩu hiện tại',
      );
    }
    const weak = passwordPolicyIssues('newPassword', newPassword, user);
    if (weak.length > 0) throw validationFailed(weak, 'Mật khẩu mới không đạt yêu cầu');
    const hash = await hashPassword(newPassword);
    const at = this.now();
    // database work only: run again on a PostgreSQL deadlock or serialization failure
    await inRetriedTransaction(this.deps.db, async (tx) => {
      await updatePasswordHash(tx, user.username, hash, at);
      await revokeSessionsOf(tx, user.username, at);
    });
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  private async openSession(user: AuthUser): Promise<Session> {
    const now = this.deps.clock.now();
    const token = newToken();
    const expiresAt = new Date(now.getTime() + this.opts.sessionTtlMs).toISOString();
    await deleteExpiredSessions(this.deps.db, user.username, now.toISOString());
    await insertSession(this.deps.db, { tokenHash: hashToken(token), username: user.username, createdAt: now.toISOString(), expiresAt });
    return { token, expiresAt, user };
  }

  private throttle(limit: number): RateLimitOptions {
    return { limit, windowMs: this.opts.windowMs, now: this.deps.clock.now(), lockout: true };
  }

  /** Counts the attempt in every bucket (rate-limit.ts `hitAll`); 429 when one is over its limit. */
  private async countAttempt(limits: [string, number][]): Promise<string[]> {
    const decision = await hitAll(
      this.deps.db,
      limits.map(([bucket, limit]) => ({ bucket, opts: this.throttle(limit) })),
    );
    if (decision.allowed) return limits.map(([bucket]) => bucket);
    const retryAfterSeconds = decision.retryAfterSeconds;
    throw new MotcuaError('RATE_LIMITED', `Đăng nhập sai quá nhiều lần. Hãy thử lại sau ${Math.ceil(retryAfterSeconds / 60)} phút`, {
      retryAfterSeconds,
    });
  }
}
