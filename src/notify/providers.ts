/**
 * The providers that carry an applicant message: e-mail (SMTP through nodemailer), SMS (an HTTP gateway of the
 * contract in docs/integration.md, "SMS gateway contract") and Zalo ZNS (its template message API). Each answers
 * sent, a passing failure (retried by the outbox) or a permanent one (dead-lettered), with the provider's answer.
 */
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { FittedSms } from '../../machines/notify/sms';
import type { NoticeKind } from '../../machines/notify/templates';
import type { EmailConfig, SmsConfig, ZaloConfig } from './settings';

export interface OutgoingMessage {
  kind: NoticeKind | 'test';
  /** the address: an e-mail address or a phone */
  to: string;
  subject: string;
  body: string;
  sms: FittedSms;
  zns: Record<string, string>;
  /** stable per message across attempts: the provider's idempotency key / tracking id */
  key: string;
}

export type ProviderResult =
  { ok: true; answer: string } | { ok: false; retryable: boolean; error: string; answer?: string; retryAfterMs?: number };

export interface Provider {
  send(m: OutgoingMessage, signal: AbortSignal): Promise<ProviderResult>;
}

/** A short stable id for a message key (Zalo's tracking_id, the e-mail Message-ID). */
export function shortKey(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

/**
 * A Vietnamese phone in the international form without "+", as Zalo ZNS and SMS gateways expect:
 * 0912345678 → 84912345678; +84912345678 and 84912345678 stay 84912345678; other "+" numbers lose the "+".
 */
export function internationalPhone(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, '');
  if (digits.startsWith('+')) return digits.slice(1);
  if (digits.startsWith('0')) return `84${digits.slice(1)}`;
  return digits;
}

// --- e-mail ------------------------------------------------------------------------------------------

export class EmailProvider implements Provider {
  constructor(private readonly config: EmailConfig) {}

  async send(m: OutgoingMessage, signal: AbortSignal): Promise<ProviderResult> {
    const c = this.config;
    const transport = nodemailer.createTransport({
      host: c.host,
      port: c.port,
      secure: c.secure,
      ...(c.user ? { auth: { user: c.user, pass: c.password ?? '' } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    const abort = () => transport.close();
    signal.addEventListener('abort', abort, { once: true });
    try {
      const info = await transport.sendMail({
        from: c.from,
        to: m.to,
        subject: m.subject,
        text: m.body,
        messageId: `<${shortKey(m.key)}@motcua>`,
        headers: { 'X-Motcua-Message-Key': m.key },
      });
      return { ok: true, answer: String(info.response ?? 'accepted').slice(0, 500) };
    } catch (err) {
      const e = err as { responseCode?: number; response?: string; code?: string; message?: string };
      const answer = e.response ?? e.message ?? String(err);
      // SMTP 5xx: the server refuses the message for good (unknown mailbox, policy); 4xx and network errors pass
      const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
      return { ok: false, retryable: !permanent, error: `${e.code ?? 'SMTP'}: ${answer}`.slice(0, 500), answer };
    } finally {
      signal.removeEventListener('abort', abort);
      transport.close();
    }
  }
}

// --- HTTP providers -----------------------------------------------------------------------------------

async function postJson(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  signal: AbortSignal,
): Promise<{ status: number; text: string; retryAfterMs?: number } | { error: string }> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', Accept: 'application/json', ...headers },
      body: JSON.stringify(body),
      signal,
      redirect: 'error',
    });
    const text = (await res.text()).slice(0, 2000);
    const ra = res.headers.get('retry-after');
    const retryAfterMs = ra && /^\d{1,6}$/.test(ra) ? Number(ra) * 1000 : undefined;
    return { status: res.status, text, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** HTTP statuses that may pass: timeouts, throttling and server errors. Every other 4xx is permanent. */
const retryableStatus = (s: number) => s === 408 || s === 425 || s === 429 || s >= 500;

/** SMS through a gateway speaking the contract of docs/integration.md ("SMS gateway contract"). */
export class SmsProvider implements Provider {
  constructor(private readonly config: SmsConfig) {}

  async send(m: OutgoingMessage, signal: AbortSignal): Promise<ProviderResult> {
    const body = {
      to: internationalPhone(m.to),
      sender: this.config.sender,
      text: m.sms.text,
      encoding: m.sms.encoding,
      segments: m.sms.segments.length,
      reference: m.key,
    };
    const r = await postJson(this.config.url, { Authorization: `Bearer ${this.config.apiKey}`, 'Idempotency-Key': m.key }, body, signal);
    if ('error' in r) return { ok: false, retryable: true, error: `SMS gateway unreachable: ${r.error}` };
    if (r.status >= 200 && r.status < 300) return { ok: true, answer: `${r.status} ${r.text}`.slice(0, 500) };
    return {
      ok: false,
      retryable: retryableStatus(r.status),
      error: `SMS gateway answered ${r.status}`,
      answer: r.text,
      ...(r.retryAfterMs !== undefined ? { retryAfterMs: r.retryAfterMs } : {}),
    };
  }
}

/**
 * Zalo ZNS error codes (https://zalo.cloud/zns/guidelines/handle-error-code) that can never succeed as sent:
 * the application or OA is misconfigured (-101 to -107), the phone is invalid (-108), the template id or its
 * data is wrong (-109, -111, -112), or the user's Zalo cannot show it (-110). Every other code, -100 "unknown
 * error, try again later" among them, is retried until the outbox's attempt limit.
 */
export const ZNS_PERMANENT_ERRORS = new Set([-101, -102, -103, -104, -105, -106, -107, -108, -109, -110, -111, -112]);

/** Zalo ZNS: POST the template message API with the access_token header (docs/integration.md, "Zalo ZNS"). */
export class ZaloProvider implements Provider {
  constructor(private readonly config: ZaloConfig) {}

  async send(m: OutgoingMessage, signal: AbortSignal): Promise<ProviderResult> {
    const templateId = m.kind === 'test' ? Object.values(this.config.templates)[0] : this.config.templates[m.kind];
    if (!templateId) return { ok: false, retryable: false, error: `no ZNS template id configured for ${m.kind}` };
    const body = { phone: internationalPhone(m.to), template_id: templateId, template_data: m.zns, tracking_id: shortKey(m.key) };
    const r = await postJson(this.config.url, { access_token: this.config.accessToken }, body, signal);
    if ('error' in r) return { ok: false, retryable: true, error: `Zalo unreachable: ${r.error}` };
    if (r.status < 200 || r.status >= 300)
      return { ok: false, retryable: retryableStatus(r.status), error: `Zalo answered HTTP ${r.status}`, answer: r.text };
    let answer: { error?: unknown; message?: unknown };
    try {
      answer = JSON.parse(r.text) as typeof answer;
    } catch {
      return { ok: false, retryable: true, error: 'Zalo answered with no JSON', answer: r.text };
    }
    const code = Number(answer.error);
    if (code === 0) return { ok: true, answer: r.text.slice(0, 500) };
    return {
      ok: false,
      retryable: !ZNS_PERMANENT_ERRORS.has(code),
      error: `Zalo error ${Number.isFinite(code) ? code : '?'}: ${String(answer.message ?? '')}`.slice(0, 500),
      answer: r.text,
    };
  }
}
