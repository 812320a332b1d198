/**
 * Which screens of the web UI a user is offered: one place, derived from the same role lists the services
 * enforce, so the menu never shows a screen whose every request would be refused (or a list of dossiers the
 * user cannot act on). The UI hides the others and answers a typed address with "no access".
 */
import { hasRole, type AuthUser } from './auth-user';
import { METRICS_ROLES } from './metrics-service';
import { REVIEW_READ_ROLES } from './review-service';

export const SCREENS = ['intake', 'inbox', 'search', 'dashboard', 'review', 'notifications'] as const;
export type Screen = (typeof SCREENS)[number];

export function screensOf(user: AuthUser): Screen[] {
  const out: Screen[] = [];
  // receiving a dossier (POST /api/dossiers) is the counter's alone
  if (hasRole(user, 'counter')) out.push('intake');
  // an inbox lists what waits for the user's action: only the roles that move dossiers have one
  if (hasRole(user, 'counter', 'specialist', 'leader')) out.push('inbox');
  out.push('search');
  if (hasRole(user, ...METRICS_ROLES)) out.push('dashboard');
  if (hasRole(user, ...REVIEW_READ_ROLES)) out.push('review');
  // the applicant notifications' settings and message log (/api/admin/notifications) are the administrator's
  if (hasRole(user, 'admin')) out.push('notifications');
  return out;
}
