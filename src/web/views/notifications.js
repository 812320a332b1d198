/**
 * The administrator's notification page (#/thong-bao): the shared settings (sender, survey link, SMS options,
 * log retention), each channel's settings (SMTP server; SMS gateway; Zalo ZNS token and template ids) with a
 * test message, and the latest entries of the message log (addresses masked). API: /api/admin/notifications
 * (docs/notifications.md). Above them, every outbox channel's figures and the dead letters (./deliveries.js). Secrets come back as "••••"; a secret field left as it is keeps its stored value.
 */
import { api, ApiError, get, post } from '../api.js';
import { clearIssues, errorBox, errorText, field, h, showIssues, spinner, toast, values } from '../dom.js';
import { fmtTime, MESSAGE_STATUSES, NOTICE_KINDS } from '../labels.js';
import { deliveryPanels } from './deliveries.js';
/** @import { MessageLogItem, NotifyChannel } from '../types.js' */

const BASE = '/api/admin/notifications';

/** @param {HTMLFormElement} form @param {() => Promise<void>} work */
async function submitting(form, work) {
  clearIssues(form);
  const button = /** @type {HTMLButtonElement | null} */ (form.querySelector('button[type=submit]'));
  if (button) button.disabled = true;
  try {
    await work();
  } catch (err) {
    if (err instanceof ApiError && err.status === 400 && err.issues.length) showIssues(form, err.issues, err.message);
    else toast(errorText(err), 'error');
  } finally {
    if (button) button.disabled = false;
  }
}

/**
 * @param {Record<string, any>} settings the centre's notification settings (NotifySettingsSchema, src/notify/settings.ts)
 * @param {() => Promise<void>} reload
 */
function settingsForm(settings, reload) {
  const form = h(
    'form',
    { class: 'panel', id: 'notify-settings', novalidate: true },
    h('h2', null, 'Cài đặt chung'),
    h(
      'div',
      { class: 'grid-3' },
      field({ label: 'Tên cơ quan gửi', name: 'senderName', value: settings.senderName, required: true, attrs: { maxlength: 40 } }),
      field({ label: 'Liên kết khảo sát hài lòng', name: 'surveyUrl', value: settings.surveyUrl ?? '', hint: 'Để trống: không gửi' }),
      field({ label: 'Số tin SMS tối đa mỗi thông báo', name: 'smsMaxSegments', type: 'number', value: String(settings.smsMaxSegments) }),
      field({ label: 'Gửi SMS không dấu (160 ký tự/tin)', name: 'smsStripAccents', type: 'checkbox', value: settings.smsStripAccents }),
      field({ label: 'Lưu nhật ký tin nhắn (ngày)', name: 'retentionDays', type: 'number', value: String(settings.retentionDays) }),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Lưu cài đặt chung'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = values(form);
    void submitting(form, async () => {
      await api('PUT', `${BASE}/settings`, {
        body: {
          senderName: v.senderName,
          surveyUrl: v.surveyUrl || null,
          smsMaxSegments: Number(v.smsMaxSegments),
          smsStripAccents: Boolean(v.smsStripAccents),
          retentionDays: Number(v.retentionDays),
        },
      });
      toast('Đã lưu cài đặt chung');
      await reload();
    });
  });
  return form;
}

/** the fields of each channel's config: [name, label, type] */
/** @type {Record<string, string[][]>} channel kind → [name, label, type] of its settings */
const CHANNEL_FIELDS = {
  email: [
    ['host', 'Máy chủ SMTP', 'text'],
    ['port', 'Cổng', 'number'],
    ['secure', 'TLS ngay từ đầu (cổng 465)', 'checkbox'],
    ['user', 'Tài khoản', 'text'],
    ['password', 'Mật khẩu', 'password'],
    ['from', 'Người gửi (From)', 'text'],
  ],
  sms: [
    ['url', 'Địa chỉ cổng SMS', 'text'],
    ['apiKey', 'Khóa API', 'password'],
    ['sender', 'Tên định danh (brandname)', 'text'],
  ],
  zalo: [
    ['url', 'Địa chỉ API ZNS', 'text'],
    ['accessToken', 'Access token của OA', 'password'],
  ],
};

/**
 * @param {NotifyChannel} ch
 * @param {() => Promise<void>} reload
 */
function channelForm(ch, reload) {
  const cfg = /** @type {Record<string, any>} the channel's settings as its form edits them */ (ch.config ?? {});
  const fields = CHANNEL_FIELDS[ch.kind].map(([name, label, type]) =>
    field({
      label,
      name: `config.${name}`,
      type,
      value: type === 'checkbox' ? Boolean(cfg[name]) : String(cfg[name] ?? (name === 'port' ? 587 : '')),
      attrs: { autocomplete: 'off' },
    }),
  );
  const templates =
    ch.kind === 'zalo'
      ? Object.entries(NOTICE_KINDS)
          .filter(([k]) => k !== 'test')
          .map(([k, label]) =>
            field({ label: `Mẫu ZNS: ${label}`, name: `config.templates.${k}`, value: cfg.templates?.[k] ?? '', hint: 'ID mẫu đã duyệt' }),
          )
      : [];
  const form = h(
    'form',
    { class: 'panel', id: `notify-channel-${ch.kind}`, novalidate: true },
    h('h2', null, `${ch.label} — ${ch.configured ? (ch.active ? 'đang bật' : 'đang tắt') : 'chưa cài đặt'}`),
    h(
      'div',
      { class: 'grid-3' },
      ...fields,
      ...templates,
      field({ label: 'Bật kênh này', name: 'active', type: 'checkbox', value: ch.active }),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Lưu kênh'),
    h(
      'div',
      { class: 'grid-3' },
      field({
        label: ch.kind === 'email' ? 'Gửi thử đến email' : 'Gửi thử đến số điện thoại',
        name: 'testTo',
        attrs: { autocomplete: 'off' },
      }),
      h('button', { type: 'button', class: 'secondary', dataset: { test: ch.kind } }, 'Gửi tin thử'),
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = values(form);
    /** @type {Record<string, any>} */
    const config = {};
    for (const [name, , type] of CHANNEL_FIELDS[ch.kind]) {
      const raw = v[`config.${name}`];
      if (type === 'checkbox') config[name] = Boolean(raw);
      else if (type === 'number') config[name] = Number(raw);
      else if (raw !== '') config[name] = raw;
    }
    if (ch.kind === 'zalo') {
      config.templates = {};
      for (const k of Object.keys(NOTICE_KINDS)) if (v[`config.templates.${k}`]) config.templates[k] = v[`config.templates.${k}`];
    }
    void submitting(form, async () => {
      await api('PUT', `${BASE}/channels/${ch.kind}`, { body: { active: Boolean(v.active), config } });
      toast(`Đã lưu kênh ${ch.label}`);
      await reload();
    });
  });
  form.querySelector('[data-test]')?.addEventListener('click', () => {
    const to = /** @type {HTMLInputElement} */ (form.querySelector('[name=testTo]')).value.trim();
    void submitting(form, async () => {
      const r = await post(`${BASE}/test`, { channel: ch.kind, to });
      if (r.sent) toast(`Đã gửi tin thử. Nhà cung cấp trả lời: ${r.providerAnswer ?? ''}`);
      else toast(`Không gửi được: ${r.error ?? ''}`, 'error');
      await reload();
    });
  });
  return form;
}

/** @param {MessageLogItem[]} items */
function messageLog(items) {
  return h(
    'section',
    { class: 'panel', id: 'notify-log' },
    h('h2', null, 'Nhật ký tin nhắn gần đây'),
    items.length
      ? h(
          'table',
          { class: 'list' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['Thời gian', 'Hồ sơ', 'Loại tin', 'Kênh', 'Gửi đến', 'Kết quả', 'Trả lời của nhà cung cấp'].map((t) => h('th', null, t)),
            ),
          ),
          h(
            'tbody',
            null,
            items.map((m) =>
              h(
                'tr',
                null,
                h('td', null, fmtTime(m.createdAt)),
                h('td', null, m.dossierCode ?? '—'),
                h('td', null, NOTICE_KINDS[m.kind] ?? m.kind),
                h('td', null, m.channel),
                h('td', null, m.addressMasked),
                h('td', null, MESSAGE_STATUSES[m.status] ?? m.status),
                h('td', null, (m.providerAnswer ?? '').slice(0, 120)),
              ),
            ),
          ),
        )
      : h('p', null, 'Chưa có tin nhắn nào.'),
  );
}

/** @param {HTMLElement} root @param {{signal: AbortSignal}} ctx */
export async function render(root, { signal }) {
  root.append(h('h1', null, 'Thông báo và chuyển giao dữ liệu'));
  const body = h('div', null, spinner());
  root.append(body);
  const reload = async () => {
    try {
      const [overview, log, delivery] = await Promise.all([
        get(BASE, { signal }),
        get(`${BASE}/messages?limit=50`, { signal }),
        deliveryPanels(signal, reload),
      ]);
      body.replaceChildren(
        ...delivery,
        settingsForm(overview.settings, reload),
        ...overview.channels.map((/** @type {NotifyChannel} */ ch) => channelForm(ch, reload)),
        messageLog(log.items),
      );
    } catch (err) {
      if (err instanceof Error && err.name === 'AbortError') return;
      body.replaceChildren(errorBox(err));
    }
  };
  await reload();
}
