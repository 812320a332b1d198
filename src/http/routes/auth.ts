/**
 * Signing in and out: POST /login (public, throttled), and for a signed-in user POST /logout,
 * GET /me and POST /password. Mounted before the global authenticate, so the routes that need a
 * session apply it themselves.
 */
import { Router } from 'express';
import { z } from 'zod';
import { ROLES } from '../../../machines/procedures';
import { isMotcuaError } from '../../../machines/engine/errors';
import { AuthService } from '../../services/auth/auth-service';
import { authenticate, bearerToken } from '../authenticate';
import { userOf, type AppDeps } from '../deps';
import { parseWith } from '../../services/validate';
import { PasswordSchema } from '../../services/auth/password-policy';
import { SCREENS, screensOf } from '../../services/screens';

export const AuthUserSchema = z.object({
  username: z.string(),
  fullName: z.string(),
  title: z.string().describe('chức danh, e.g. "Trưởng phòng Kinh tế"'),
  roles: z.array(z.enum(ROLES)),
  unit: z.string(),
  screens: z.array(z.enum(SCREENS)).describe('the web UI screens offered to this user (src/services/screens.ts)'),
});

export const LoginRequestSchema = z.strictObject({
  username: z.string().trim().toLowerCase().min(1).max(64),
  password: z.string().min(1).max(1024),
});

export const LoginResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.iso.datetime(),
  user: AuthUserSchema,
});

export const ChangePasswordRequestSchema = z.strictObject({
  oldPassword: z.string().min(1).max(1024),
  newPassword: PasswordSchema,
});

export function authRoutes(deps: AppDeps): Router {
  const r = Router();
  const auth = new AuthService(deps.ctx);
  const signedIn = authenticate(deps);

  r.post('/login', async (req, res) => {
    const body = parseWith(LoginRequestSchema, req.body);
    try {
      const session = await auth.login(body.username, body.password, req.ip);
      const out: z.infer<typeof LoginResponseSchema> = {
        ...session,
        user: { ...session.user, title: session.user.title ?? '', screens: screensOf(session.user) },
      };
      res.json(out);
    } catch (err) {
      if (isMotcuaError(err, 'RATE_LIMITED')) res.set('Retry-After', String(err.details.retryAfterSeconds));
      throw err;
    }
  });

  r.post('/logout', signedIn, async (req, res) => {
    await auth.logout(bearerToken(req) ?? '');
    res.status(204).end();
  });

  r.get('/me', signedIn, (_req, res) => {
    const user = userOf(res);
    const out: z.infer<typeof AuthUserSchema> = { ...user, title: user.title ?? '', screens: screensOf(user) };
    res.json(out);
  });

  r.post('/password', signedIn, async (req, res) => {
    const body = parseWith(ChangePasswordRequestSchema, req.body);
    await auth.changePassword(userOf(res), body.oldPassword, body.newPassword);
    res.status(204).end();
  });

  return r;
}
