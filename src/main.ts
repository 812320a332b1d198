/**
 * Starts the motcua server: validated configuration, database brought up to date, demo data when
 * MOTCUA_DEMO=1, then HTTP. SIGTERM/SIGINT stop accepting connections, let in-flight requests finish
 * and close the database before exiting 0.
 */
import { createEngineContext } from './app/engine-factory';
import { ConfigError, loadConfig } from './config';
import { createApp } from './http/app';
import { SettableClock } from './engine/clock';
import { DeadlineSweeper } from './jobs/deadline-sweeper';
import { CheckpointJob } from './jobs/checkpoint-job';
import { seedDemo } from '../db/seeds/demo';
import { hasDemoPasswords } from '../db/seeds/demo-users';
import { createLogger } from './observability/logger';
import { HttpMetrics } from './observability/prometheus';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL });
  const metrics = new HttpMetrics();
  const testClock = config.MOTCUA_TEST_CLOCK ? new SettableClock() : undefined;
  const ctx = await createEngineContext({
    url: config.DATABASE_URL,
    sqliteDriver: config.MOTCUA_SQLITE_DRIVER,
    agencyCode: config.MOTCUA_AGENCY_CODE,
    clock: testClock,
    dueSoonThresholdMs: config.MOTCUA_DUE_SOON_WORKING_HOURS ? config.MOTCUA_DUE_SOON_WORKING_HOURS * 3_600_000 : undefined,
  });
  if (config.MOTCUA_DEMO) {
    const seeded = await seedDemo(ctx);
    logger.info({ dossiers: seeded.dossiers }, `demo data ready (${seeded.dossiers} new dossiers); users admin, counter, specialist, leader, supervisor, auditor — password "demo"`);
  } else if (config.NODE_ENV === 'production' && (await hasDemoPasswords(ctx.db))) {
    await ctx.close();
    throw new ConfigError('Refusing to start in production: some users still have the demo password. Change them first.');
  }
  const sweeper = new DeadlineSweeper(ctx);
  if (config.MOTCUA_SWEEP_INTERVAL_MS > 0) sweeper.start(config.MOTCUA_SWEEP_INTERVAL_MS, (err) => logger.error({ err, job: 'sweeper' }, 'sweep failed'));
  const checkpoints = new CheckpointJob(ctx, config.MOTCUA_CHECKPOINT_INTERVAL_MS);
  if (config.MOTCUA_CHECKPOINT_INTERVAL_MS > 0) checkpoints.start(undefined, (err) => logger.error({ err, job: 'checkpoint' }, 'checkpoint failed'));
  const app = createApp({ ctx, config, sweeper, testClock }, { logger, metrics });
  const server = app.listen(config.PORT, () => {
    logger.info(`motcua listening on http://localhost:${config.PORT} (database: ${config.DATABASE_URL.startsWith('postgres') ? 'PostgreSQL' : config.DATABASE_URL})`);
  });
  const stop = (signal: string) => {
    logger.info(`${signal}: draining`);
    server.close(async () => {
      await sweeper.stop(); // stops between dossiers
      await checkpoints.stop();
      await ctx.close();
      logger.flush(() => process.exit(0));
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
