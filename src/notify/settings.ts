/**
 * The notification settings' shapes (zod: the single source of the admin API's request shapes, types and
 * OpenAPI): the settings every channel shares, and each channel's own (its outbox subscriber's config).
 * docs/notifications.md, "Settings".
 */
import { z } from 'zod';
import { NOTICE_KINDS } from '../../machines/notify/templates';

export const NotifySettingsSchema = z.strictObject({
  senderName: z.string().trim().min(1).max(40).default('Bộ phận Một cửa').describe('who speaks in every message, e.g. "UBND xã Tân Phú"'),
  surveyUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .nullable()
    .default(null)
    .describe('the satisfaction survey link sent after the result is returned; null: no survey message'),
  smsMaxSegments: z
    .int()
    .min(1)
    .max(10)
    .default(4)
    .describe('the most SMS segments one message may use (docs/notifications.md, SMS length)'),
  smsStripAccents: z.boolean().default(false).describe('write SMS without diacritics (GSM-7, 160/153 characters) instead of UCS-2 (70/67)'),
  retentionDays: z.int().min(1).max(3650).default(365).describe('message log entries older than this are deleted (hourly)'),
});
export type NotifySettings = z.infer<typeof NotifySettingsSchema>;
export const DEFAULT_NOTIFY_SETTINGS: NotifySettings = NotifySettingsSchema.parse({});

const secret = (max: number) => z.string().min(1).max(max);

export const EmailConfigSchema = z.strictObject({
  host: z.string().trim().min(1).max(253).describe('SMTP server host'),
  port: z.int().min(1).max(65535).default(587),
  secure: z.boolean().default(false).describe('TLS from the first byte (port 465); false: STARTTLS when the server offers it'),
  user: z.string().max(254).optional(),
  password: secret(500).optional().describe('write-only: answered as "••••" when set'),
  from: z.string().trim().min(3).max(254).describe('the From header, e.g. "UBND xã Tân Phú <motcua@tanphu.gov.vn>"'),
});

export const SmsConfigSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .describe("the SMS gateway's send endpoint (docs/integration.md, SMS gateway contract)"),
  apiKey: secret(500).describe('sent as Authorization: Bearer; write-only'),
  sender: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9 ._-]{1,11}$/, 'expected the registered brand name: 1–11 letters, digits, space, dot, dash or underscore')
    .describe('the registered brand name (tên định danh)'),
});

export const ZaloConfigSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .default('https://business.openapi.zalo.me/message/template')
    .describe("Zalo ZNS's template message endpoint"),
  accessToken: secret(2000).describe("the Official Account's access token (header access_token); write-only"),
  templates: z
    .partialRecord(z.enum(NOTICE_KINDS), z.string().regex(/^\d{1,20}$/, 'expected the ZNS template id (digits)'))
    .describe('message kind → the approved ZNS template id; a kind without one is not sent on Zalo'),
});

export const CHANNEL_CONFIG_SCHEMAS = { email: EmailConfigSchema, sms: SmsConfigSchema, zalo: ZaloConfigSchema } as const;
export type EmailConfig = z.infer<typeof EmailConfigSchema>;
export type SmsConfig = z.infer<typeof SmsConfigSchema>;
export type ZaloConfig = z.infer<typeof ZaloConfigSchema>;

/** The secret fields of each channel's config: answered masked, and kept when an update leaves them out. */
export const SECRET_FIELDS = { email: ['password'], sms: ['apiKey'], zalo: ['accessToken'] } as const;
