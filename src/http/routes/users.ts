/** Staff accounts, for admins: POST / creates one, PATCH /{username} changes its full name or title, GET / lists them (never with password hashes). */
import { Router } from 'express';
import { z } from 'zod';
import { ROLES, UNIT_CODES } from '../../../machines/procedures';
import { UsersService } from '../../services/auth/users-service';
import { requireRole } from '../authenticate';
import { userOf, type AppDeps } from '../deps';
import { parseWith } from '../../services/validate';
import { PasswordSchema } from '../../services/auth/password-policy';

export const CreateUserRequestSchema = z.strictObject({
  username: z.string().regex(/^[a-z0-9_.]{3,64}$/, 'must be 3–64 characters: a-z, 0-9, "_" or "."'),
  fullName: z.string().trim().min(1).max(200),
  title: z
    .string()
    .trim()
    .max(200)
    .default('')
    .describe(
      'chức danh as printed under the name on forms, e.g. "Trưởng phòng Kinh tế"; set it (here or with PATCH) before the user signs anything',
    ),
  password: PasswordSchema,
  roles: z
    .array(z.enum(ROLES))
    .min(1)
    .refine((roles) => new Set(roles).size === roles.length, 'must not repeat a role')
    .refine(
      (roles) => !roles.includes('auditor') || roles.length === 1,
      'auditor cannot be combined with another role (an auditor only reads; docs/access-policy.md)',
    ),
  unit: z.string().refine((u) => UNIT_CODES.includes(u), `must be one of ${UNIT_CODES.join(', ')}`),
});

export const UpdateUserRequestSchema = z
  .strictObject({
    fullName: z.string().trim().min(1).max(200).optional(),
    title: z.string().trim().min(1).max(200).optional(),
  })
  .refine((b) => b.fullName !== undefined || b.title !== undefined, 'give fullName, title or both');

export const UserSchema = z.object({
  username: z.string(),
  fullName: z.string(),
  title: z.string(),
  roles: z.array(z.enum(ROLES)),
  unit: z.string(),
  active: z.boolean(),
  demo: z.boolean(),
  createdAt: z.iso.datetime(),
  passwordChangedAt: z.iso.datetime(),
});

export const UserListSchema = z.object({ users: z.array(UserSchema) });

export function userRoutes(deps: AppDeps): Router {
  const r = Router();
  const users = new UsersService(deps.ctx);

  r.post('/', requireRole('admin'), async (req, res) => {
    const body = parseWith(CreateUserRequestSchema, req.body);
    const out: z.infer<typeof UserSchema> = await users.createUser(userOf(res), body);
    res.status(201).json(out);
  });

  r.patch('/:username', requireRole('admin'), async (req, res) => {
    const body = parseWith(UpdateUserRequestSchema, req.body);
    const out: z.infer<typeof UserSchema> = await users.updateNames(userOf(res), String(req.params.username), body);
    res.json(out);
  });

  r.get('/', requireRole('admin'), async (_req, res) => {
    const out: z.infer<typeof UserListSchema> = { users: await users.listUsers(userOf(res)) };
    res.json(out);
  });

  return r;
}
