/**
 * End to end: the inbox stays readable at 1366×768 (headless Chromium, SQLite). With ten dossiers at the
 * specialist's step, half of them land registrations (the longest procedure name, and the step "Chuyên viên
 * kiểm tra hồ sơ, xác minh thực địa, niêm yết công khai"), the step column keeps at least 160 px and at
 * least 8 rows fit on the screen.
 *
 * Screenshot: test-artifacts/e2e/inbox-1366.png.
 */
import { browserRun, browserTest } from '../support/browser';

const TIMEOUT = 180_000;

describe('the inbox at 1366 px', () => {
  const run = browserRun({
    start: '2026-03-16 08:00',
    now: '2026-03-16 11:00',
    seed: async (run) => {
      for (let i = 0; i < 10; i += 1) {
        const at = `2026-03-16 08:${String(10 + i * 3).padStart(2, '0')}`;
        await run.forward(at, await run.submit(at, `Người nộp ${i + 1}`, 'counter', i % 2 ? '1.001612' : '1.013978'));
      }
    },
  });

  browserTest(
    'long step names keep the step column at least 160 px wide and at least 8 rows fit on a 1366×768 screen',
    async () => {
      const page = await run.signIn('specialist');
      await page.evaluate(`location.hash = '#/hop-viec'`);
      const rows = page.locator('table.data.inbox tbody tr');
      await rows.nth(9).waitFor();
      await run.shot(page, 'inbox-1366', { fullPage: false });
      const stepHeader = page.locator('table.data.inbox thead th').nth(3);
      expect(await stepHeader.innerText()).toBe('Bước hiện tại');
      expect((await stepHeader.boundingBox())!.width).toBeGreaterThanOrEqual(160);
      const top = (await rows.first().boundingBox())!.y;
      const fitting = (await rows.evaluateAll((trs) => trs.map((tr) => tr.getBoundingClientRect().bottom))).filter((b) => b <= 768);
      expect(top).toBeLessThan(768);
      expect(fitting.length).toBeGreaterThanOrEqual(8);
      expect(run.problems).toStrictEqual([]);
    },
    TIMEOUT,
  );
});
