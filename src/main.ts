/**
 * Starts the motcua server: validated configuration, database brought up to date, demo data when
 * MOTCUA_DEMO=1, then HTTP. SIGTERM/SIGINT: new connections are refused, requests already accepted
 * get their answers (connections cut only after MOTCUA_DRAIN_TIMEOUT_MS), the sweeper stops between
 * dossiers, the WAL checkpointer thread ends, the database is closed, and the process exits 0.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEngineContext, dbOptionsFromConfig } from './app/engine-factory';
import { blobStoreFromConfig } from './app/blob-store-factory';
import { ConfigError, loadConfig } from './config';
import { createApp } from './http/app';
import { answerClientErrors } from './http/client-error';
import { SettableClock } from './engine/clock';
import { DeadlineSweeper } from './jobs/deadline-sweeper';
import { CheckpointJob } from './jobs/checkpoint-job';
import { WalCheckpointer, WAL_BACKSTOP_PAGES } from './jobs/wal-checkpointer';
import { RateLimitPruneJob } from './jobs/rate-limit-prune';
import { NotifyLogPruneJob } from './jobs/notify-log-prune';
import { OutboxPruneJob } from './jobs/outbox-prune';
import { createOutbox } from './outbox/wiring';
import { OutboxWaker } from './outbox/wake';
import { BlobCleanupJob } from './jobs/blob-cleanup';
import { DocumentRetentionJob } from './jobs/document-retention';
import { portalPendingMetric, portalSyncStatus } from './services/integration-service';
import { seedDemo } from '../db/seeds/demo';
import { hasDemoPasswords } from '../db/seeds/demo-users';
import { createLogger, type Logger } from './observability/logger';
import { HttpMetrics } from './observability/prometheus';
import { trackForDrain } from './ops/http-drain';
import { dialectOf, dialectOfKnex, isDurableSynchronous, postgresDurabilityOf, sqliteSynchronousOf, type Db } from './store/db';

/**
 * Reads back how durable a commit is on the server's own connection and logs it: on SQLite the synchronous
 * level, FULL (or EXTRA) as info and anything else as a warning, since then a power cut or OS crash can roll
 * back writes the server already acknowledged (receipts already printed); on PostgreSQL the same for
 * `fsync` and `synchronous_commit` turned off. docs/deploy.md explains the choice.
 */
async function reportDurability(db: Db, logger: Logger): Promise<void> {
  if (dialectOfKnex(db) === 'postgres') {
    const settings = await postgresDurabilityOf(db);
    if (settings.fsync === 'off' || settings.synchronous_commit === 'off') {
      logger.warn(
        settings,
        'PostgreSQL fsync or synchronous_commit is off: NOT durable — a crash of the database server can lose writes motcua already acknowledged; see docs/deploy.md',
      );
    } else {
      logger.info(settings, 'PostgreSQL commits are durable (fsync and synchronous_commit on)');
    }
    return;
  }
  const synchronous = await sqliteSynchronousOf(db);
  if (isDurableSynchronous(synchronous)) {
    logger.info({ synchronous }, `SQLite synchronous=${synchronous}: every acknowledged write is on stable storage`);
  } else {
    logger.warn(
      { synchronous },
      `SQLite synchronous=${synchronous} (MOTCUA_SQLITE_SYNCHRONOUS): NOT durable — a power cut or OS crash can roll back the last writes the server acknowledged, and reissue dossier codes already printed on receipts; see docs/deploy.md`,
    );
  }
}

/**
 * The WAL checkpointer thread (src/jobs/wal-checkpointer.ts), when the server's connection was opened for it; null
 * when it could not start: SQLite's own checkpoint past WAL_BACKSTOP_PAGES then bounds the WAL (logged as an error).
 */
async function startWalCheckpointer(db: Db, intervalMs: number, logger: Logger): Promise<WalCheckpointer | null> {
  const job = 'wal-checkpointer';
  try {
    const checkpointer = await WalCheckpointer.start(db, {
      intervalMs,
      onError: (err) =>
        logger.error({ err, job }, 'WAL checkpoint failed (SQLite checkpoints by itself past the backstop; the server goes on)'),
      onRecovered: (failures) => logger.info({ failures, job }, 'WAL checkpoints succeed again'),
    });
    logger.info(
      { intervalMs, job },
      `SQLite WAL checkpoints run every ${intervalMs} ms on their own thread (MOTCUA_SQLITE_WAL_CHECKPOINT_MS)`,
    );
    return checkpointer;
  } catch (err) {
    logger.error({ err, job }, `WAL checkpointer did not start: SQLite checkpoints by itself past ${WAL_BACKSTOP_PAGES} WAL pages`);
    return null;
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL });
  const metrics = new HttpMetrics();
  const testClock = config.MOTCUA_TEST_CLOCK ? new SettableClock() : undefined;
  // SQLite file: the checkpoints leave the requests for a thread of their own (off: SQLite's default, inside them)
  const walCheckpointMs =
    dialectOf(config.DATABASE_URL) === 'sqlite' && config.DATABASE_URL !== ':memory:' ? config.MOTCUA_SQLITE_WAL_CHECKPOINT_MS : 0;
  const ctx = await createEngineContext({
    ...dbOptionsFromConfig(config),
    sqliteWalAutocheckpoint: walCheckpointMs > 0 ? WAL_BACKSTOP_PAGES : undefined,
    agencyCode: config.MOTCUA_AGENCY_CODE,
    clock: testClock,
    dueSoonThresholdMs: config.MOTCUA_DUE_SOON_WORKING_HOURS ? config.MOTCUA_DUE_SOON_WORKING_HOURS * 3_600_000 : undefined,
    apologyLeadMs: config.MOTCUA_APOLOGY_WARNING_WORKING_HOURS ? config.MOTCUA_APOLOGY_WARNING_WORKING_HOURS * 3_600_000 : undefined,
    blobs: blobStoreFromConfig(config),
    maxDossierBytes: config.MOTCUA_UPLOAD_MAX_DOSSIER_BYTES,
  });
  await reportDurability(ctx.db, logger);
  if (config.MOTCUA_DEMO) {
    const seeded = await seedDemo(ctx);
    logger.info(
      { dossiers: seeded.dossiers },
      `demo data ready (${seeded.dossiers} new dossiers); users admin, counter, specialist, leader, supervisor, auditor — password "demo"`,
    );
  } else if (config.NODE_ENV === 'production' && (await hasDemoPasswords(ctx.db))) {
    await ctx.close();
    throw new ConfigError('Refusing to start in production: some users still have the demo password. Change them first.');
  }
  const walCheckpointer = walCheckpointMs > 0 ? await startWalCheckpointer(ctx.db, walCheckpointMs, logger) : null;
  const sweeper = new DeadlineSweeper(ctx);
  if (config.MOTCUA_SWEEP_INTERVAL_MS > 0)
    sweeper.start(config.MOTCUA_SWEEP_INTERVAL_MS, (err) => logger.error({ err, job: 'sweeper' }, 'sweep failed'));
  const checkpoints = new CheckpointJob(ctx, config.MOTCUA_CHECKPOINT_INTERVAL_MS);
  if (config.MOTCUA_CHECKPOINT_INTERVAL_MS > 0)
    checkpoints.start(undefined, (err) => logger.error({ err, job: 'checkpoint' }, 'checkpoint failed'));
  const rateLimitPrune = new RateLimitPruneJob(ctx);
  rateLimitPrune.start(3_600_000, (err) => logger.error({ err, job: 'rate-limit-prune' }, 'pruning rate limits failed'));
  const notifyLogPrune = new NotifyLogPruneJob(ctx);
  notifyLogPrune.start(3_600_000, (err) => logger.error({ err, job: 'notify-log-prune' }, 'pruning the message log failed'));
  const outboxPrune = new OutboxPruneJob(ctx, config.MOTCUA_OUTBOX_RETENTION_DAYS);
  if (config.MOTCUA_OUTBOX_RETENTION_DAYS > 0)
    outboxPrune.start(3_600_000, (err) => logger.error({ err, job: 'outbox-prune' }, 'pruning the outbox failed'));
  const outbox = await createOutbox(ctx, config, logger);
  if (config.MOTCUA_OUTBOX_POLL_MS > 0) outbox.dispatcher.start();
  // committed deliveries wake the dispatchers at once (this one, and the other instances on PostgreSQL)
  const outboxWaker = new OutboxWaker(ctx.db, config.MOTCUA_OUTBOX_POLL_MS > 0 ? outbox.dispatcher : null, (err) =>
    logger.warn({ err, job: 'outbox-wake' }, 'outbox wake-up failed (polling goes on)'),
  );
  outboxWaker.start();
  const blobCleanup = new BlobCleanupJob(ctx, config.MOTCUA_BLOB_GRACE_HOURS * 3_600_000);
  if (config.MOTCUA_BLOB_CLEANUP_INTERVAL_MS > 0)
    blobCleanup.start(config.MOTCUA_BLOB_CLEANUP_INTERVAL_MS, (err) =>
      logger.error({ err, job: 'blob-cleanup' }, 'document cleanup failed'),
    );
  const retention = new DocumentRetentionJob({ ...ctx, graceMs: config.MOTCUA_BLOB_GRACE_HOURS * 3_600_000 });
  if (config.MOTCUA_RETENTION_INTERVAL_MS > 0)
    retention.start(config.MOTCUA_RETENTION_INTERVAL_MS, (err) =>
      logger.error({ err, job: 'document-retention' }, 'document retention failed'),
    );
  metrics.addSection(() => outbox.syncLag.render());
  metrics.addSection(async (db) => portalPendingMetric(await portalSyncStatus({ db, clock: ctx.clock })));
  const app = createApp({ ctx, config, sweeper, testClock }, { logger, metrics });
  const server = http.createServer(app);
  answerClientErrors(server); // requests Node's parser refuses get the API's JSON error, not a bare 400
  const httpDrain = trackForDrain(server);
  server.listen(config.PORT, () => {
    const port = (server.address() as AddressInfo).port;
    const database = config.DATABASE_URL.startsWith('postgres')
      ? `PostgreSQL${config.DATABASE_SCHEMA ? `, schema ${config.DATABASE_SCHEMA}` : ''}`
      : config.DATABASE_URL;
    logger.info({ port }, `motcua listening on http://localhost:${port} (database: ${database})`);
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ inFlight: httpDrain.inFlight() }, `${signal}: draining`);
    const [drained] = await Promise.all([
      httpDrain.drain(config.MOTCUA_DRAIN_TIMEOUT_MS),
      sweeper.stop(),
      checkpoints.stop(),
      rateLimitPrune.stop(),
      notifyLogPrune.stop(),
      outboxPrune.stop(),
      outbox.dispatcher.stop(),
      outboxWaker.stop(),
      blobCleanup.stop(),
      retention.stop(),
      walCheckpointer?.stop().then(() => logger.info({ ...walCheckpointer.stats, job: 'wal-checkpointer' }, 'WAL checkpointer stopped')),
    ]); // the sweeper stops between dossiers; the server's connection, closed last, checkpoints what is left
    if (drained.forced) logger.warn(drained, `connections still open after ${config.MOTCUA_DRAIN_TIMEOUT_MS} ms were cut`);
    await ctx.close();
    logger.info(drained, 'stopped');
    logger.flush(() => process.exit(0));
  };
  const onSignal = (signal: string) => {
    stop(signal).catch((err) => {
      logger.error({ err }, 'shutdown failed');
      logger.flush(() => process.exit(1));
    });
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
