/**
 * How the applicant chose to be told: the channel (SMS, Zalo, e-mail or none), the address and the consent,
 * recorded in the RECEIVE event (`notification`) and changed after receipt by CHANGE_NOTIFICATION. Pure.
 */
export const NOTIFY_CHANNELS = ['sms', 'zalo', 'email', 'none'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];
/** The channels that deliver something (every one but `none`). */
export const DELIVERY_CHANNELS = ['sms', 'zalo', 'email'] as const satisfies readonly NotifyChannel[];
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

/** What became of one message (the message log): sent; failed and to be retried; rejected by the provider for good. */
export const MESSAGE_STATUSES = ['sent', 'failed', 'rejected'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const NOTIFY_CHANNEL_LABELS: Record<NotifyChannel, string> = {
  sms: 'Tin nhắn SMS',
  zalo: 'Zalo',
  email: 'Thư điện tử (email)',
  none: 'Không nhận thông báo',
};

/** The choice as the RECEIVE and CHANGE_NOTIFICATION events record it. */
export interface NotificationChoice {
  channel: NotifyChannel;
  /** the phone (SMS, Zalo) or e-mail address (email) messages go to; null with `none` */
  contact: string | null;
  /** the applicant agreed to receive messages on that channel (false only with `none`) */
  consent: boolean;
}

/** The choice as asked at receipt: the contact may be left out and defaults to the applicant's phone or e-mail. */
export interface NotificationRequest {
  channel: NotifyChannel;
  contact?: string;
  consent: boolean;
}

/**
 * The recorded choice, with the contact defaulted from the applicant (the phone for SMS and Zalo, the e-mail
 * for e-mail), or the field issue that prevents it (an e-mail channel with no address anywhere).
 */
export function resolveNotification(
  req: NotificationRequest,
  applicant: { phone: string; email?: string },
): { choice: NotificationChoice } | { issue: { field: string; code: 'required'; reason: string } } {
  if (req.channel === 'none') return { choice: { channel: 'none', contact: null, consent: false } };
  const contact = req.contact ?? (req.channel === 'email' ? applicant.email : applicant.phone);
  if (!contact)
    return { issue: { field: 'notification.contact', code: 'required', reason: 'required: the e-mail address (the applicant gave none)' } };
  return { choice: { channel: req.channel, contact, consent: true } };
}

/**
 * A contact as lists, logs and the message log show it: a phone keeps its last 4 digits (as every masked phone
 * does, src/services/masking.ts), an e-mail address its first character and its domain ("n•••@example.vn", the length of the name not shown).
 */
export function maskContact(contact: string): string {
  const at = contact.lastIndexOf('@');
  if (at > 0) return `${contact[0]}•••${contact.slice(at)}`;
  if (contact.length <= 4) return '•'.repeat(contact.length);
  return '•'.repeat(contact.length - 4) + contact.slice(-4);
}

/** The outbox subscriber id of each applicant channel (one subscriber per kind, docs/notifications.md). */
export const applicantSubscriberId = (kind: DeliveryChannel) => `applicant-${kind}`;

/** The event types that record the applicant's choice: first at receipt, then each change. */
export const CHOICE_EVENT_TYPES = ['RECEIVE', 'CHANGE_NOTIFICATION'] as const;

/** The choice in force after `events` (in order): the last one recorded, undefined when none ever was. */
export function currentChoice(events: readonly { type: string; payload: Record<string, unknown> }[]): NotificationChoice | undefined {
  let choice: NotificationChoice | undefined;
  for (const e of events)
    if ((CHOICE_EVENT_TYPES as readonly string[]).includes(e.type) && e.payload.notification)
      choice = e.payload.notification as NotificationChoice;
  return choice;
}

/**
 * The applicant channels' subscribers no delivery is queued for once the applicant changed the choice
 * (`changed`, the dossier's context after a CHANGE_NOTIFICATION): every one but the chosen channel's, and all of
 * them once the consent is withdrawn. Before any change nothing is muted: each channel reads the RECEIVE choice
 * when it delivers.
 */
export function mutedApplicantSubscribers(changed: { channel: NotifyChannel; consent: boolean } | undefined): string[] {
  if (!changed) return [];
  return DELIVERY_CHANNELS.filter((k) => !(changed.consent && changed.channel === k)).map(applicantSubscriberId);
}
