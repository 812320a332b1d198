/**
 * The server's outbox: the dispatcher with the channels this configuration enables. Each channel module adds
 * itself here (webhooks always; RabbitMQ and the national portal when configured; the applicant channels of
 * issue 15's notification half).
 */
import type { EngineContext } from '../app/engine-factory';
import type { Config } from '../config';
import type { Logger } from '../observability/logger';
import { OutboxDispatcher } from './dispatcher';
import { publicBaseUrl } from '../config';
import { ApplicantChannel } from '../notify/applicant-channel';
import { DELIVERY_CHANNELS } from '../../machines/notify/channels';
import { WebhookChannel } from './channels/webhook';
import { AmqpChannel } from './channels/amqp';
import { PortalChannel } from './channels/portal';
import { SyncLag } from './sync-lag';
import { upsertSubscriber, setSubscriberActive, findSubscriber } from '../store/outbox-store';

export interface Outbox {
  dispatcher: OutboxDispatcher;
  /** the national portal's sync lag (GET /metrics) */
  syncLag: SyncLag;
}

export async function createOutbox(
  ctx: Pick<EngineContext, 'db' | 'clock' | 'procedures'>,
  config: Config,
  logger: Logger,
): Promise<Outbox> {
  const dispatcher = new OutboxDispatcher(
    ctx,
    {
      pollMs: config.MOTCUA_OUTBOX_POLL_MS,
      maxAttempts: config.MOTCUA_OUTBOX_MAX_ATTEMPTS,
      baseDelayMs: config.MOTCUA_OUTBOX_BASE_DELAY_MS,
      maxDelayMs: config.MOTCUA_OUTBOX_MAX_DELAY_MS,
      attemptTimeoutMs: config.MOTCUA_OUTBOX_ATTEMPT_TIMEOUT_MS,
    },
    (err, context) => logger.error({ err, ...context, job: 'outbox' }, 'outbox delivery failed'),
  );
  // the applicant's channels (docs/notifications.md): told once an administrator configures them
  const notify = { db: ctx.db, clock: ctx.clock, procedures: ctx.procedures, publicBaseUrl: publicBaseUrl(config) };
  for (const kind of DELIVERY_CHANNELS) dispatcher.register(new ApplicantChannel(kind, notify));
  dispatcher.register(new WebhookChannel(ctx.clock));
  await configureBuiltIn(
    ctx,
    'amqp',
    config.MOTCUA_AMQP_URL ? { name: `RabbitMQ ${config.MOTCUA_AMQP_EXCHANGE}`, config: { exchange: config.MOTCUA_AMQP_EXCHANGE } } : null,
  );
  if (config.MOTCUA_AMQP_URL) dispatcher.register(new AmqpChannel({ url: config.MOTCUA_AMQP_URL, exchange: config.MOTCUA_AMQP_EXCHANGE }));
  await configureBuiltIn(
    ctx,
    'portal',
    config.MOTCUA_PORTAL_URL ? { name: 'Cổng Dịch vụ công quốc gia', config: { url: config.MOTCUA_PORTAL_URL } } : null,
  );
  if (config.MOTCUA_PORTAL_URL)
    dispatcher.register(
      new PortalChannel(ctx.db, {
        url: config.MOTCUA_PORTAL_URL,
        authPath: config.MOTCUA_PORTAL_AUTH_PATH,
        syncPath: config.MOTCUA_PORTAL_SYNC_PATH,
        username: config.MOTCUA_PORTAL_USERNAME,
        password: config.MOTCUA_PORTAL_PASSWORD,
        agencyCode: config.MOTCUA_PORTAL_AGENCY_CODE ?? config.MOTCUA_AGENCY_CODE,
      }),
    );
  const syncLag = new SyncLag();
  dispatcher.observe(syncLag.observer());
  return { dispatcher, syncLag };
}

/**
 * A channel configured by the environment has one subscriber row, id = kind, told of every event: created
 * (or updated) when configured, deactivated when the configuration no longer names it (its queued deliveries
 * stay, and go out if it is configured again).
 */
async function configureBuiltIn(
  ctx: Pick<EngineContext, 'db' | 'clock'>,
  kind: string,
  wanted: { name: string; config: Record<string, unknown>; eventTypes?: string[] } | null,
): Promise<void> {
  if (!wanted) {
    if (await findSubscriber(ctx.db, kind)) await setSubscriberActive(ctx.db, kind, false);
    return;
  }
  await upsertSubscriber(ctx.db, {
    id: kind,
    kind,
    name: wanted.name,
    config: wanted.config,
    active: true,
    eventTypes: wanted.eventTypes ?? ['*'],
    createdAt: ctx.clock.now().toISOString(),
    createdBy: 'system',
  });
}
