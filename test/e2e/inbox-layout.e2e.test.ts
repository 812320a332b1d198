/**
 * End to end: the inbox stays readable at 1366×768 (headless Chromium, SQLite). With ten dossiers at the
 * specialist's step, half of them land registrations (the longest procedure name, and the step "Chuyên viên
 * kiểm tra hồ sơ, xác minh thực địa, niêm yết công khai"), the step column keeps at least 160 px and at
 * least 8 rows fit on the screen.
 *
 * Screenshot: test-artifacts/e2e/inbox-1366.png.
 */
import path from 'node:path';
import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { BACKENDS } from '../support/backends';
import { ACTORS, hanoi, submission } from '../support/engine';
import { startServer, type TestServer } from '../support/server';
import { ARTIFACTS, browserTest, closeAll, HAVE_CHROMIUM, listenAndLaunch, requireChromium, signInPage } from '../support/browser';

const TIMEOUT = 180_000;
const NOW = '2026-03-16 11:00';

describe('the inbox at 1366 px', () => {
  let server: TestServer;
  let http: Server;
  let base = '';
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) return;
    server = await startServer(BACKENDS[0]!, '2026-03-16 08:00');
    for (let i = 0; i < 10; i += 1) {
      server.engine.at(`2026-03-16 08:${String(10 + i * 3).padStart(2, '0')}`);
      const { code } = await server.engine.engine.submit(
        submission(i % 2 ? '1.001612' : '1.013978', 'counter', `Người nộp ${i + 1}`),
        ACTORS.counter,
      );
      await server.engine.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
      await server.engine.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    }
    server.engine.at(NOW);
    ({ http, base, browser } = await listenAndLaunch(server));
  }, TIMEOUT);

  afterAll(() => closeAll(browser, http, server), TIMEOUT);

  browserTest(
    'long step names keep the step column at least 160 px wide and at least 8 rows fit on a 1366×768 screen',
    async () => {
      requireChromium();
      const { page } = await signInPage(browser, base, 'specialist', new Date(hanoi(NOW)), problems);
      await page.evaluate(`location.hash = '#/hop-viec'`);
      const rows = page.locator('table.data.inbox tbody tr');
      await rows.nth(9).waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, 'inbox-1366.png') });
      const stepHeader = page.locator('table.data.inbox thead th').nth(3);
      expect(await stepHeader.innerText()).toBe('Bước hiện tại');
      expect((await stepHeader.boundingBox())!.width).toBeGreaterThanOrEqual(160);
      const top = (await rows.first().boundingBox())!.y;
      const fitting = (await rows.evaluateAll((trs) => trs.map((tr) => tr.getBoundingClientRect().bottom))).filter((b) => b <= 768);
      expect(top).toBeLessThan(768);
      expect(fitting.length).toBeGreaterThanOrEqual(8);
      expect(problems).toStrictEqual([]);
    },
    TIMEOUT,
  );
});
