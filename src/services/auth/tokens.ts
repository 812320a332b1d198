/**
 * Bearer tokens: 32 random bytes (256 bits), base64url. The database keeps only their sha256 (hex),
 * so a leaked sessions table does not let anyone sign in.
 */
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_BYTES = 32;

/** base64url of 32 bytes, no padding */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** sha256 hex (64 chars): the sessions.token_hash key. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Cheap shape check, so garbage never reaches the database. */
export function looksLikeToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}
