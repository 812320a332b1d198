/**
 * Webhook signatures (docs/integration.md, "Verifying a webhook"): HMAC-SHA256 with the subscription's secret
 * over `<timestamp>.<body>`, sent as `Motcua-Signature: t=<unix seconds>,v1=<hex>` — the scheme Stripe uses, so
 * a receiver can refuse replays older than its tolerance and compare in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Motcua-Signature';
export const DELIVERY_ID_HEADER = 'Motcua-Delivery-Id';

export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, body)}`;
}

/** true when `header` signs `body` with `secret` and its timestamp is within `toleranceSeconds` of `nowSeconds`. */
export function verifySignature(secret: string, header: string, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = new Map(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !/^[0-9a-f]{64}$/.test(v1)) return false;
  return timingSafeEqual(Buffer.from(v1, 'hex'), Buffer.from(signatureOf(secret, t, body), 'hex'));
}
