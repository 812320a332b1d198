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

export interface Outbox {
  dispatcher: OutboxDispatcher;
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
  return { dispatcher };
}
