/**
 * The applicant's channels on the outbox (docs/notifications.md): one outbox subscriber per channel kind
 * (`email`, `sms`, `zalo`), told of the events that concern the applicant. For each delivery the channel reads
 * the applicant's choice in force (the dossier's last RECEIVE or CHANGE_NOTIFICATION); if the applicant chose this channel with consent, it
 * replays the dossier up to the event, renders the messages from its facts (machines/notify/templates.ts) and
 * sends them through the provider, logging each one (masked address) in the message log.
 *
 * At least once: a retried delivery (same key) sends only the messages the log does not show as sent yet, and
 * gives each message a stable key the provider can de-duplicate on (`<delivery key>:<kind>`).
 */
import type { Db } from '../store/db';
import { chartFor, replay } from '../../machines/dossier';
import { factsOf } from '../../machines/dossier/facts';
import { decodeRow, inputFromSubmit, toChartEvent, type StoredEvent, type SubmitPayload } from '../../machines/engine/event-codec';
import { applicantSubscriberId, currentChoice, maskContact, type DeliveryChannel } from '../../machines/notify/channels';
import { noticesFor, renderNotice, type RenderedNotice } from '../../machines/notify/templates';
import type { Channel, Delivery, DeliveryResult } from '../outbox/channel';
import type { Clock } from '../engine/clock';
import { insertMessage, readNotifySettings, sentKinds } from '../store/notify-store';
import { choiceEvents, eventsUpTo } from '../store/outbox-store';
import { lookupUrl } from '../forms/qr';
import { CHANNEL_CONFIG_SCHEMAS, NotifySettingsSchema, DEFAULT_NOTIFY_SETTINGS, type NotifySettings } from './settings';
import { EmailProvider, SmsProvider, ZaloProvider, type OutgoingMessage, type Provider } from './providers';

/** The events whose subscribers the applicant channels are (the events `noticesFor` answers for). */
export const NOTICE_EVENT_TYPES = [
  'RECEIVE',
  'REQUEST_SUPPLEMENT',
  'PAUSE',
  'WITHDRAW',
  'ISSUE_APOLOGY',
  'RECORD_RESULT',
  'REFUSE',
  'RETURN_RESULT',
] as const;

/** The outbox subscriber id of each applicant channel. */
export const subscriberIdOf = applicantSubscriberId;

export interface NotifyDeps {
  db: Db;
  clock: Clock;
  procedures: { byVersion(code: string, version: number): Promise<{ name: string }> };
  /** PUBLIC_BASE_URL (or http://localhost:PORT): the lookup link's origin */
  publicBaseUrl: string;
}

/** The provider of a channel kind for its (validated) config. */
export function providerFor(kind: DeliveryChannel, config: unknown): Provider {
  if (kind === 'email') return new EmailProvider(CHANNEL_CONFIG_SCHEMAS.email.parse(config));
  if (kind === 'sms') return new SmsProvider(CHANNEL_CONFIG_SCHEMAS.sms.parse(config));
  return new ZaloProvider(CHANNEL_CONFIG_SCHEMAS.zalo.parse(config));
}

export async function loadNotifySettings(db: Db): Promise<NotifySettings> {
  const stored = await readNotifySettings(db);
  const parsed = NotifySettingsSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : DEFAULT_NOTIFY_SETTINGS;
}

/** What a message logs as its text: the e-mail, the SMS as sent, or the ZNS parameters. */
export function loggedBody(kind: DeliveryChannel, r: Pick<RenderedNotice, 'body' | 'sms' | 'zns'>): string {
  return kind === 'email' ? r.body : kind === 'sms' ? r.sms.text : JSON.stringify(r.zns);
}

export class ApplicantChannel implements Channel {
  constructor(
    readonly kind: DeliveryChannel,
    private readonly deps: NotifyDeps,
  ) {}

  async deliver(d: Delivery, signal: AbortSignal): Promise<DeliveryResult> {
    if (!(NOTICE_EVENT_TYPES as readonly string[]).includes(d.event.type))
      return { outcome: 'delivered', providerAnswer: 'no applicant message' };
    const events = (await eventsUpTo(this.deps.db, d.event.dossier_id, d.event.seq)).map(decodeRow);
    // the choice in force now (the last RECEIVE or CHANGE_NOTIFICATION, even one after this event): a message still
    // undelivered when the applicant changed the address goes to the new one, and none once consent is withdrawn
    const choice = currentChoice((await choiceEvents(this.deps.db, d.event.dossier_id)).map(decodeRow));
    if (!choice || choice.channel !== this.kind || !choice.consent || !choice.contact)
      return { outcome: 'delivered', providerAnswer: `nothing to send: the applicant chose ${choice?.channel ?? 'nothing'}` };

    const parsed = CHANNEL_CONFIG_SCHEMAS[this.kind].safeParse(d.subscriber.config);
    if (!parsed.success)
      return { outcome: 'retry', error: `the ${this.kind} channel is not configured: ${parsed.error.issues[0]?.message ?? ''}` };
    const provider = providerFor(this.kind, parsed.data);
    const settings = await loadNotifySettings(this.deps.db);
    const rendered = await this.render(d.event.dossier_id, events, d.event.machine_version, settings);
    const already = await sentKinds(this.deps.db, d.id);
    const answers: string[] = [];
    for (const r of rendered) {
      if (already.has(r.kind)) continue;
      // Zalo sends only the messages whose template the administrator registered with Zalo and configured
      if (this.kind === 'zalo' && !(parsed.data as { templates: Record<string, string> }).templates[r.kind]) {
        answers.push(`${r.kind}: no ZNS template configured, not sent`);
        continue;
      }
      const message: OutgoingMessage = { ...r, to: choice.contact, key: `${d.id}:${r.kind}` };
      const result = await provider.send(message, signal);
      await insertMessage(this.deps.db, {
        createdAt: this.deps.clock.now().toISOString(),
        deliveryKey: d.id,
        dossierId: d.event.dossier_id,
        dossierCode: r.code,
        kind: r.kind,
        templateVersion: r.templateVersion,
        channel: this.kind,
        addressMasked: maskContact(choice.contact),
        subject: this.kind === 'email' ? r.subject : null,
        body: loggedBody(this.kind, r),
        status: result.ok ? 'sent' : result.retryable ? 'failed' : 'rejected',
        providerAnswer: result.ok ? result.answer : (result.answer ?? result.error),
        actor: null,
      });
      if (!result.ok)
        return result.retryable
          ? { outcome: 'retry', error: result.error, providerAnswer: result.answer, retryAfterMs: result.retryAfterMs }
          : { outcome: 'permanent', error: result.error, providerAnswer: result.answer };
      answers.push(`${r.kind}: ${result.answer}`);
    }
    return { outcome: 'delivered', providerAnswer: answers.join(' | ') || 'already sent' };
  }

  /** The messages of the last of `events`, rendered from the dossier's facts right after it. */
  private async render(
    dossierId: string,
    events: StoredEvent[],
    machineVersion: number,
    settings: NotifySettings,
  ): Promise<(RenderedNotice & { code: string })[]> {
    const [submit, ...rest] = events;
    const input = inputFromSubmit(dossierId, submit!);
    const snapshot = replay(chartFor(machineVersion), input, rest.map(toChartEvent));
    const facts = factsOf(snapshot);
    const code = snapshot.context.code;
    const sub = submit!.payload as unknown as SubmitPayload;
    const procedureName = await this.deps.procedures.byVersion(sub.terms.code, sub.terms.version).then(
      (p) => p.name,
      () => sub.terms.code,
    );
    const last = toChartEvent(events[events.length - 1]!);
    const out: (RenderedNotice & { code: string })[] = [];
    for (const notice of noticesFor(last, facts)) {
      const r = renderNotice(
        {
          notice,
          code,
          procedureName,
          applicantName: sub.applicant.fullName,
          sender: settings.senderName,
          lookupUrl: lookupUrl(this.deps.publicBaseUrl, code),
          surveyUrl: settings.surveyUrl,
          facts,
        },
        { maxSegments: settings.smsMaxSegments, stripAccents: settings.smsStripAccents },
      );
      if (r) out.push({ ...r, code });
    }
    return out;
  }
}
