/**
 * The one shape in which a dossier event leaves motcua (webhook body, RabbitMQ message, change-feed item):
 * what happened, to which dossier, when and by whom, with the event's payload as the log holds it except that
 * the applicant's ID and phone numbers (and any such number typed in free text) are masked.
 * docs/integration.md, "The event message".
 */
import type { EventRow } from '../store/dossier-store';
import { maskApplicant, maskTexts } from '../services/masking';
import { maskContact, type NotificationChoice } from '../../machines/notify/channels';

export interface IntegrationEvent {
  /** `<dossierId>:<seq>`: the same for every receiver and every attempt */
  id: string;
  type: string;
  seq: number;
  occurredAt: string;
  actor: string;
  actorUnit: string | null;
  dossier: { id: string; code: string; procedureCode: string; agencyCode: string };
  payload: unknown;
  /** the event's link in the dossier's hash chain (docs/engine.md) */
  hash: string;
}

export function integrationEvent(e: EventRow, dossier: { code: string; procedureCode: string; agencyCode: string }): IntegrationEvent {
  const raw = JSON.parse(e.payload) as Record<string, unknown>;
  let payload = raw;
  if (raw && typeof raw === 'object' && raw.applicant && typeof raw.applicant === 'object')
    payload = {
      ...payload,
      applicant: maskEmail(maskApplicant(raw.applicant as { idNumber?: unknown; phone?: unknown; email?: unknown })),
    };
  // the applicant's notification address, recorded with RECEIVE (docs/notifications.md)
  const notification = raw?.notification as NotificationChoice | undefined;
  if (notification && typeof notification === 'object' && typeof notification.contact === 'string')
    payload = { ...payload, notification: { ...notification, contact: maskContact(notification.contact) } };
  return {
    id: `${e.dossier_id}:${e.seq}`,
    type: e.type,
    seq: e.seq,
    occurredAt: e.occurred_at,
    actor: e.actor,
    actorUnit: e.actor_unit,
    dossier: { id: e.dossier_id, code: dossier.code, procedureCode: dossier.procedureCode, agencyCode: dossier.agencyCode },
    payload: maskTexts(payload),
    hash: e.hash,
  };
}

/** An e-mail address as lists show it: its first character and domain (n•••@example.vn). */
function maskEmail<T extends { email?: unknown }>(a: T): T {
  if (typeof a.email !== 'string') return a;
  return { ...a, email: a.email.includes('@') ? maskContact(a.email) : '•••' };
}
