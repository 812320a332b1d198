/**
 * Authentication and role gates for the HTTP API. `authenticate` reads `Authorization: Bearer <token>`,
 * resolves it to the signed-in user (res.locals.user) or answers 401; `requireRole` answers 403
 * naming the roles the route needs.
 */
import type { Request, RequestHandler } from 'express';
import type { Role } from '../../machines/procedures';
import { MotcuaError } from '../../machines/engine/errors';
import { hasRole } from '../services/auth-user';
import { AuthService } from '../services/auth/auth-service';
import { userOf, type AppDeps } from './deps';

/** The bearer token of a request, or null when there is none. */
export function bearerToken(req: Request): string | null {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.get('authorization') ?? '');
  return match?.[1] ?? null;
}

export function authenticate(deps: AppDeps): RequestHandler {
  const auth = new AuthService(deps.ctx);
  return async (req, res, next) => {
    const token = bearerToken(req);
    try {
      if (!token) throw new MotcuaError('UNAUTHENTICATED', 'Cần đăng nhập');
      res.locals.user = await auth.authenticate(token);
    } catch (err) {
      // any answer but the request going on carries the challenge (set only then: most requests are signed in)
      res.set('WWW-Authenticate', 'Bearer');
      throw err;
    }
    next();
  };
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (_req, res, next) => {
    if (!hasRole(userOf(res), ...roles)) {
      throw new MotcuaError('FORBIDDEN', `Chức năng này chỉ dành cho vai trò: ${roles.join(', ')}`, { requiredRoles: roles });
    }
    next();
  };
}
