/**
 * The outbox's state on the administrator's notification page (#/thong-bao): per channel (every outbox
 * subscriber: the applicant's e-mail, SMS and Zalo, webhooks, the RabbitMQ bus, the national portal) how many
 * deliveries wait, fail and retry, were sent, dead-lettered or discarded, and how long the oldest undelivered one
 * has waited; then the dead letters, each with "Gửi lại" (retry) and "Bỏ qua" (discard), both with an optional
 * note, recorded by the server. API: GET /api/admin/outbox, GET /api/admin/outbox/dead-letters,
 * POST /api/admin/outbox/deliveries/{id}/retry|discard (docs/integration.md, "Administration").
 */
import { get, post } from '../api.js';
import { closeWhenDone, openDialog } from '../dialog.js';
import { append, field, h, toast, values } from '../dom.js';
import { EVENT_LABELS, fmtTime } from '../labels.js';
/** @import { Delivery, OutboxChannel } from '../types.js' */

const OUTBOX = '/api/admin/outbox';
/** the sync target of Decree 63/2024 (10 minutes): an older undelivered item is shown as late */
const LATE_SECONDS = 600;

/** @param {number | null} s */
export function fmtAge(s) {
  if (s === null || s === undefined) return '—';
  if (s < 60) return `${s} giây`;
  if (s < 3600) return `${Math.floor(s / 60)} phút ${s % 60} giây`;
  if (s < 86_400) return `${Math.floor(s / 3600)} giờ ${Math.floor((s % 3600) / 60)} phút`;
  return `${Math.floor(s / 86_400)} ngày ${Math.floor((s % 86_400) / 3600)} giờ`;
}

const num = (/** @type {number} */ n) => h('td', { class: 'num' }, String(n));

/**
 * A panel with a heading, an optional hint and a table of `rows` under `headers`, or `empty` when there are none.
 * @param {string} id @param {string} title @param {string | null} hint @param {string[]} headers @param {HTMLElement[]} rows @param {string} empty
 */
function panel(id, title, hint, headers, rows, empty) {
  return h(
    'section',
    { class: 'panel', id },
    h('h2', null, title),
    hint && h('p', { class: 'hint' }, hint),
    rows.length
      ? h(
          'table',
          { class: 'data compact' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              headers.map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          h('tbody', null, rows),
        )
      : h('p', null, empty),
  );
}

/** @param {OutboxChannel[]} channels */
function channelTable(channels) {
  return panel(
    'outbox-channels',
    'Tình hình gửi theo kênh',
    'Chờ lâu nhất: bản tin chưa gửi được lâu nhất đã chờ bao lâu; quá 10 phút được tô đỏ (đồng bộ giữa các hệ thống trong 10 phút theo Nghị định 63/2024).',
    ['Kênh', 'Trạng thái', 'Chờ gửi', 'Đang lỗi, chờ thử lại', 'Đã gửi', 'Không gửi được', 'Đã bỏ qua', 'Chờ lâu nhất'],
    channels.map((c) =>
      h(
        'tr',
        { dataset: { subscriber: c.subscriberId } },
        h('th', { scope: 'row' }, c.name),
        h('td', null, c.active ? 'Đang bật' : 'Đang tắt'),
        num(c.queued),
        num(c.failing),
        num(c.sent),
        h('td', { class: ['num', c.deadLettered > 0 && 'warn'] }, String(c.deadLettered)),
        num(c.discarded),
        h('td', { class: ['num', (c.oldestUndeliveredAgeSeconds ?? 0) > LATE_SECONDS && 'warn'] }, fmtAge(c.oldestUndeliveredAgeSeconds)),
      ),
    ),
    'Chưa có kênh nào.',
  );
}

/**
 * Asks for an optional note, then retries or discards the dead letter.
 * @param {{id: number, dossierCode: string | null}} d @param {'retry' | 'discard'} action @param {() => Promise<void>} reload
 */
async function act(d, action, reload) {
  const retry = action === 'retry';
  const done = await openDialog({
    title: retry ? `Gửi lại bản tin của hồ sơ ${d.dossierCode ?? ''}` : `Bỏ qua bản tin của hồ sơ ${d.dossierCode ?? ''}`,
    submitLabel: retry ? 'Gửi lại' : 'Bỏ qua',
    danger: !retry,
    build: (body) =>
      append(body, [
        h(
          'p',
          null,
          retry
            ? 'Bản tin được gửi lại từ đầu; các bản tin sau của hồ sơ này cho kênh này đi tiếp khi nó gửi được.'
            : 'Bản tin không được gửi nữa; các bản tin sau của hồ sơ này cho kênh này được gửi tiếp.',
        ),
        field({ label: 'Ghi chú (không bắt buộc)', name: 'note', attrs: { maxlength: 500 } }),
      ]),
    onSubmit: (ctl) =>
      closeWhenDone(ctl, async () => {
        const note = String(values(ctl.form).note ?? '').trim();
        await post(`${OUTBOX}/deliveries/${d.id}/${action}`, note ? { note } : {});
      }),
  });
  if (!done) return;
  toast(retry ? 'Đã đưa bản tin vào hàng chờ gửi lại' : 'Đã bỏ qua bản tin');
  await reload();
}

/**
 * @param {Delivery[]} items
 * @param {Map<string, string>} names subscriber id → name
 * @param {() => Promise<void>} reload
 */
function deadLetterTable(items, names, reload) {
  return panel(
    'outbox-dead-letters',
    'Bản tin không gửi được',
    null,
    ['Hồ sơ', 'Kênh', 'Sự kiện', 'Tạo lúc', 'Số lần thử', 'Lỗi cuối cùng', 'Trả lời của bên nhận', 'Thao tác'],
    items.map((d) =>
      h(
        'tr',
        { dataset: { delivery: String(d.id) } },
        h('td', null, d.dossierCode ?? '—'),
        h('td', null, names.get(d.subscriberId) ?? d.subscriberId),
        h('td', null, EVENT_LABELS[d.eventType] ?? d.eventType),
        h('td', null, fmtTime(d.createdAt)),
        num(d.attempts),
        h('td', null, (d.lastError ?? '').slice(0, 160)),
        h('td', null, (d.providerAnswer ?? '').slice(0, 160)),
        h(
          'td',
          { class: 'actions' },
          h('button', { type: 'button', class: 'secondary', onclick: () => void act(d, 'retry', reload) }, 'Gửi lại'),
          h('button', { type: 'button', class: 'secondary', onclick: () => void act(d, 'discard', reload) }, 'Bỏ qua'),
        ),
      ),
    ),
    'Không có bản tin nào bị dừng gửi.',
  );
}

/**
 * The two panels, freshly read.
 * @param {AbortSignal} signal @param {() => Promise<void>} reload redraws the whole page
 * @returns {Promise<HTMLElement[]>}
 */
export async function deliveryPanels(signal, reload) {
  const [outbox, dead] = await Promise.all([get(OUTBOX, { signal }), get(`${OUTBOX}/dead-letters?limit=100`, { signal })]);
  const names = new Map(outbox.channels.map((/** @type {OutboxChannel} */ c) => [c.subscriberId, c.name]));
  return [channelTable(outbox.channels), deadLetterTable(dead.items, names, reload)];
}
