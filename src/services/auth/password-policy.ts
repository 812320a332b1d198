/**
 * The password policy for a new account's password and for a password change (docs/deploy.md, "Passwords"):
 *
 * - at least PASSWORD_MIN_LENGTH characters (in the zod schema, `PasswordSchema`, so OpenAPI shows it: `too_short`);
 * - not one of the common passwords of zxcvbn-ts's `passwords-common` list, whatever the case (`common_password`);
 * - not the username, and not containing it, whatever the case (`contains_username`);
 * - a strength estimate of at least PASSWORD_MIN_SCORE on zxcvbn-ts's 0–4 scale, with the username, the
 *   person's name and the product's own words counted as known to an attacker (`too_weak`):
 *   "password1234", "qwertyuiop12" and "Matkhau12345" are long enough and still refused.
 *
 * zxcvbn-ts is maintained and ships its dictionaries in the npm packages (nothing is fetched at run time);
 * the estimator is built on first use (≈0.3 s) and checks one password in a few milliseconds. Demo accounts
 * seeded with MOTCUA_DEMO=1 bypass the policy (their password is "demo"); production refuses to start while
 * any active account still opens with it (src/main.ts).
 */
import { z } from 'zod';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import type { FieldIssue } from '../../../machines/engine/errors';

export const PASSWORD_MIN_LENGTH = 12;
/** zxcvbn's "safely unguessable: moderate protection from an offline slow-hash scenario" (≥ 10^8 guesses). */
export const PASSWORD_MIN_SCORE = 3;

/** The shape of a new password in a request: the length rule, the rest is `passwordPolicyIssues`. */
export const PasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(1024)
  .describe(
    `at least ${PASSWORD_MIN_LENGTH} characters, not a common password, not containing the username, ` +
      `and rated at least ${PASSWORD_MIN_SCORE} of 4 by the zxcvbn-ts strength estimate`,
  );

/** Words an attacker of this system tries first, besides the user's own names. */
const PRODUCT_WORDS = ['motcua', 'mot cua', 'hanh chinh', 'hanhchinh', 'matkhau', 'mat khau', 'tra cuu'];

let estimator: ZxcvbnFactory | undefined;
let common: Set<string> | undefined;

function zxcvbn(): ZxcvbnFactory {
  // Levenshtein matching is off: it costs 0.2–0.9 s per check; exact, l33t and reversed dictionary matches stay.
  estimator ??= new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs, useLevenshteinDistance: false });
  return estimator;
}

function commonPasswords(): Set<string> {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common;
}

/** Strips Vietnamese diacritics so "Nguyễn" is also known as "nguyen". */
function plain(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

/**
 * Why `password` may not be used by `username` (empty when it may). `field` names the request field
 * (`password` at creation, `newPassword` at a change). Assumes the length rule has been checked.
 */
export function passwordPolicyIssues(field: string, password: string, user: { username: string; fullName?: string }): FieldIssue[] {
  const lower = password.normalize('NFC').toLowerCase();
  const username = user.username.toLowerCase();
  if (username !== '' && (lower.includes(username) || plain(lower).includes(plain(username)))) {
    return [{ field, code: 'contains_username', reason: 'must not be or contain the username' }];
  }
  if (commonPasswords().has(lower) || commonPasswords().has(lower.trim())) {
    return [{ field, code: 'common_password', reason: 'is a commonly used password' }];
  }
  const names = user.fullName ? plain(user.fullName).toLowerCase().split(/\s+/).filter(Boolean) : [];
  const result = zxcvbn().check(password, [username, ...names, ...(names.length > 1 ? [names.join('')] : []), ...PRODUCT_WORDS]);
  if (result.score < PASSWORD_MIN_SCORE) {
    return [
      {
        field,
        code: 'too_weak',
        reason: `too easy to guess (strength ${result.score} of 4, at least ${PASSWORD_MIN_SCORE} needed)`,
      },
    ];
  }
  return [];
}
