/** What the HTTP layer is built from; created once in src/main.ts (or by a test). */
import type { Response } from 'express';
import type { EngineContext } from '../app/engine-factory';
import type { Config } from '../config';
import { MotcuaError } from '../../machines/engine/errors';
import type { AuthUser } from '../services/auth-user';
import type { DeadlineSweeper } from '../jobs/deadline-sweeper';
import type { SettableClock } from '../engine/clock';

export interface AppDeps {
  ctx: EngineContext;
  config: Config;
  /** the in-process deadline sweeper (POST /api/admin/sweep runs it on demand) */
  sweeper?: DeadlineSweeper;
  /** present only with MOTCUA_TEST_CLOCK=1: the clock PUT /api/test/clock sets */
  testClock?: SettableClock;
}

/** The authenticated user (set by the authenticate middleware). */
export function userOf(res: Response): AuthUser {
  const user = res.locals.user as AuthUser | undefined;
  if (!user) throw new MotcuaError('UNAUTHENTICATED', 'Cần đăng nhập');
  return user;
}
