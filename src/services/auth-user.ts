/** The signed-in user as every service sees it. */
import type { Role } from '../../machines/procedures';

export interface AuthUser {
  username: string;
  fullName: string;
  /** chức danh (always set for a signed-in user; optional so that code acting for a user need not invent one) */
  title?: string;
  roles: Role[];
  unit: string;
}

export function hasRole(user: AuthUser, ...roles: Role[]): boolean {
  return roles.some((r) => user.roles.includes(r));
}
