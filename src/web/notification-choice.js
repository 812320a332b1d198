/**
 * The applicant's choice at receipt of how to be told about the dossier (SMS, Zalo, e-mail or none), the
 * address and the consent: the fields of the counter's intake form, of the RECEIVE dialog and of the
 * CHANGE_NOTIFICATION dialog (a change after receipt), and the request's `notification` object built from
 * them (docs/notifications.md).
 */
import { field, h } from './dom.js';
import { NOTIFY_CHANNELS } from './labels.js';

/**
 * The fieldset: channel, address (empty: the applicant's phone or e-mail), consent.
 * @param {string} [legend] its title (at receipt: "Nhận thông báo về hồ sơ")
 */
export function notificationFields(legend = 'Nhận thông báo về hồ sơ') {
  const options = Object.entries(NOTIFY_CHANNELS).length
    ? Object.entries(NOTIFY_CHANNELS)
    : [
        ['none', 'none'],
        ['sms', 'sms'],
        ['zalo', 'zalo'],
        ['email', 'email'],
      ];
  return h(
    'fieldset',
    { class: 'notification' },
    h('legend', null, legend),
    h(
      'div',
      { class: 'grid-3' },
      field({ label: 'Kênh nhận thông báo', name: 'notification.channel', type: 'select', value: 'none', options }),
      field({
        label: 'Số điện thoại / email nhận',
        name: 'notification.contact',
        hint: 'Để trống: dùng số điện thoại (SMS, Zalo) hoặc email của người nộp',
        attrs: { autocomplete: 'off', maxlength: 254 },
      }),
      field({
        label: 'Người nộp đồng ý nhận thông báo qua kênh đã chọn',
        name: 'notification.consent',
        type: 'checkbox',
        value: false,
      }),
    ),
  );
}

/**
 * The `notification` object of the request from the form's values, or the issues found before sending.
 * @param {Record<string, any>} v
 * @returns {{ notification?: { channel: string, contact?: string, consent: boolean }, issues: { field: string, reason: string, vi: string }[] }}
 */
export function notificationOf(v) {
  const channel = v['notification.channel'] || 'none';
  if (channel === 'none') return { notification: { channel: 'none', consent: false }, issues: [] };
  const contact = (v['notification.contact'] || '').replace(channel === 'email' ? /\s+/g : /[\s.\-()]/g, '');
  const issues = [];
  if (!v['notification.consent'])
    issues.push({
      field: 'notification.consent',
      reason: 'required',
      vi: 'Cần hỏi và đánh dấu sự đồng ý của người nộp (hoặc chọn "Không nhận thông báo")',
    });
  return { notification: { channel, consent: Boolean(v['notification.consent']), ...(contact ? { contact } : {}) }, issues };
}
