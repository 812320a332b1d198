/**
 * End to end: the administrator's Thông báo page (#/thong-bao) shows each outbox channel's figures (waiting,
 * failing, sent, dead-lettered, discarded, oldest undelivered age) and the dead letters, and retries or discards a
 * dead letter with a note; the server records both actions and the retried one goes out (headless Chromium at
 * 1366×768, SQLite, a real local webhook receiver).
 *
 * Screenshots: test-artifacts/e2e/outbox-admin-1366.png (before), outbox-admin-after-1366.png (after both actions).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACTORS } from '../support/engine';
import { browserRun, browserTest } from '../support/browser';
import { OutboxDispatcher } from '../../src/outbox/dispatcher';
import { WebhookChannel } from '../../src/outbox/channels/webhook';
import { listOutboxActions, findDelivery } from '../../src/store/outbox-store';

const TIMEOUT = 180_000;
const START = '2026-03-16 08:00';
const NOW = '2026-03-16 08:30';

describe('the outbox on the Thông báo page', () => {
  let receiver: http.Server | undefined;
  const received: string[] = [];
  let dispatcher: OutboxDispatcher;
  const codes: string[] = [];

  const run = browserRun({
    start: START,
    now: NOW,
    screenshots: 'outbox-admin-',
    fullPage: false,
    seed: async (run) => {
      // the receiver refuses every ASSIGN for good (422: dead-lettered at once) and takes everything else
      let refuse = true;
      const hooks = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          const { event } = JSON.parse(body) as { event: { type: string; dossier: { code: string } } };
          received.push(`${event.dossier.code}:${event.type}`);
          res.writeHead(refuse && event.type === 'ASSIGN' ? 422 : 200).end('{"stored":true}');
        });
      });
      receiver = hooks;
      await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
      const hook = await run.api.call('POST', '/api/admin/webhooks', {
        as: 'admin',
        body: { name: 'LGSP tỉnh', url: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hooks` },
      });
      expect(hook.status).toBe(201);
      for (let i = 0; i < 3; i += 1) codes.push(await run.submit(START, `Người nộp ${i + 1}`));
      // two dossiers assigned: their ASSIGN is refused; the third dossier's two events only are sent
      for (const code of codes.slice(0, 2)) await run.act(START, code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
      dispatcher = new OutboxDispatcher(run.server.engine, { random: () => 0.5 }).register(new WebhookChannel(run.server.engine.clock));
      await dispatcher.drain();
      refuse = false;
      // one more event queued behind a dead letter: held back until the dead letter is retried or discarded
      await run.act(START, codes[0]!, { type: 'COMPLETE_STEP' }, ACTORS.specialist);
    },
  });
  afterAll(async () => {
    if (receiver) await new Promise<void>((resolve) => receiver!.close(() => resolve()));
  }, TIMEOUT);

  browserTest(
    'an administrator sees each channel’s figures and its dead letters, retries one and discards another with a note, both recorded',
    async () => {
      const page = await run.signIn('admin');
      await page.evaluate(`location.hash = '#/thong-bao'`);
      const row = page.locator('#outbox-channels tbody tr', { hasText: 'LGSP tỉnh' });
      await row.waitFor();
      await run.shot(page, '1366');
      // columns: Kênh | Trạng thái | Chờ gửi | đang lỗi | Đã gửi | Không gửi được | Đã bỏ qua | Chờ lâu nhất
      const cells = async () => (await row.locator('th, td').allInnerTexts()).map((t) => t.trim());
      // 3 SUBMIT + 3 RECEIVE sent, 2 ASSIGN dead, 1 COMPLETE_STEP waiting behind a dead letter; the oldest
      // undelivered (the first ASSIGN, 08:00) has waited 30 minutes at 08:30
      expect(await cells()).toEqual(['LGSP tỉnh', 'Đang bật', '1', '0', '6', '2', '0', '30 phút 0 giây']);
      expect(await row.locator('td.warn').count()).toBe(2); // the dead letters, and the backlog past 10 minutes
      // the figures sit on the first screen: an administrator sees them without scrolling
      expect((await row.boundingBox())!.y + (await row.boundingBox())!.height).toBeLessThanOrEqual(768);

      const dead = page.locator('#outbox-dead-letters tbody tr');
      expect(await dead.count()).toBe(2);
      const first = dead.filter({ hasText: codes[0]! });
      expect(await first.locator('td').allInnerTexts()).toEqual(
        expect.arrayContaining([codes[0]!, 'LGSP tỉnh', 'HTTP 422', expect.stringContaining('stored')]),
      );

      // retry the first dossier's ASSIGN, with a note
      await first.getByRole('button', { name: 'Gửi lại' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Ghi chú (không bắt buộc)').fill('bên nhận đã sửa lỗi');
      await dialog.getByRole('button', { name: 'Gửi lại' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.locator('#outbox-dead-letters tbody tr').nth(1).waitFor({ state: 'detached' });
      // discard the second dossier's ASSIGN, without a note
      await page.locator('#outbox-dead-letters tbody tr', { hasText: codes[1]! }).getByRole('button', { name: 'Bỏ qua' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Bỏ qua' }).click();
      await page.locator('#outbox-dead-letters', { hasText: 'Không có bản tin nào bị dừng gửi.' }).waitFor();
      // 2 waiting now (the retried ASSIGN and the COMPLETE_STEP behind it), none dead, one discarded
      await page.locator('#outbox-channels tbody tr', { hasText: 'LGSP tỉnh' }).waitFor();
      expect(await cells()).toEqual(['LGSP tỉnh', 'Đang bật', '2', '0', '6', '0', '1', '30 phút 0 giây']);
      await run.shot(page, 'after-1366');

      const actions = await listOutboxActions(run.server.engine.db);
      expect(actions.map((a) => [a.action, a.actor, a.note])).toEqual([
        ['retry', 'admin', 'bên nhận đã sửa lỗi'],
        ['discard', 'admin', null],
      ]);
      expect((await findDelivery(run.server.engine.db, actions[1]!.deliveryId))!.state).toBe('discarded');
      // the retried delivery and the one it held back go out, in order
      await dispatcher.drain();
      expect(received.filter((r) => r.startsWith(codes[0]!)).map((r) => r.split(':')[1])).toEqual([
        'SUBMIT',
        'RECEIVE',
        'ASSIGN',
        'ASSIGN',
        'COMPLETE_STEP',
      ]);
      expect(run.problems).toStrictEqual([]);
    },
    TIMEOUT,
  );
});
