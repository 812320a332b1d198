/**
 * End to end: a dossier is shown with the procedure version it was received under, in headless Chromium at
 * 1366×768 on SQLite. An admin publishes a new version of the procedure (a step renamed, its time changed) while a
 * dossier of the old version is being handled: that dossier's page still shows the steps and time it is judged by,
 * and a dossier received after the change shows the new ones. (The page used to read the latest version for every
 * dossier.)
 *
 * Screenshots go to test-artifacts/e2e/version-*.png.
 */
import { browserRun, browserTest } from '../support/browser';

const TIMEOUT = 240_000;
const PROC = '1.001612';
const RENAMED = 'Thẩm định hồ sơ (quy trình sửa đổi)';

const submission = (fullName: string) => ({
  procedureCode: PROC,
  channel: 'counter',
  applicant: { fullName, idNumber: '001190012345', phone: '0912345678', address: 'Số 5 phố Hàng Bạc, Hà Nội' },
  documents: [{ name: 'Giấy đề nghị đăng ký hộ kinh doanh', copies: 1 }],
});

describe('a dossier keeps the procedure version it was received under', () => {
  let before = '';
  let after = '';
  let oldName = '';
  const run = browserRun({
    screenshots: 'version-',
    fullPage: false,
    start: '2026-03-03 09:00',
    seed: async (run) => {
      ({ code: before } = await run.call('counter', 'POST', '/api/dossiers', submission('Nguyễn Thị Hoa')));
      await run.forward('2026-03-03 09:00', before);
      const current = await run.call('admin', 'GET', `/api/procedures/${PROC}`);
      oldName = current.steps[1].name;
      const steps = current.steps.map((s: { name: string }, i: number) => (i === 1 ? { ...s, name: RENAMED } : s));
      await run.call('admin', 'PUT', `/api/procedures/${PROC}`, { ...current, version: undefined, steps });
      ({ code: after } = await run.call('counter', 'POST', '/api/dossiers', submission('Trần Văn Bình')));
      await run.forward('2026-03-03 09:00', after);
    },
  });

  browserTest(
    "the old dossier's page shows its own version's steps; a new dossier shows the new version's",
    async () => {
      const views = await Promise.all([before, after].map((c) => run.call('specialist', 'GET', `/api/dossiers/${c}`)));
      expect(views.map((v: { procedureVersion: number }) => v.procedureVersion)).toEqual([
        views[0].procedureVersion,
        views[0].procedureVersion + 1,
      ]);
      expect(oldName).not.toBe(RENAMED);

      const page = await run.signIn('specialist', { width: 1366 });
      const stepNames = async (code: string) => {
        await page.goto(`${run.base}/#/ho-so/${encodeURIComponent(code)}`);
        await page.locator('ol.steps .step-name').first().waitFor();
        return page.locator('ol.steps .step-name').allTextContents();
      };
      const old = await stepNames(before);
      await run.shot(page, '01-old-version');
      expect(old[1]).toBe(oldName);
      expect(old).not.toContain(RENAMED);
      // the step in progress is the one of its own version
      expect(await page.locator('ol.steps li[aria-current=step] .step-name').textContent()).toBe(oldName);

      const fresh = await stepNames(after);
      expect(fresh[1]).toBe(RENAMED);
    },
    TIMEOUT,
  );
});
