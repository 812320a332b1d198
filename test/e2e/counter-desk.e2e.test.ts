/**
 * End to end: the staff web UI in headless Chromium (playwright-core) against the real server on a
 * fresh SQLite database with the demo users, at 1366×768, with the browser's clock following the
 * server's test clock (Asia/Ho_Chi_Minh).
 *
 *  1. A counter clerk receives a dossier for 1.001612 (Đăng ký thành lập hộ kinh doanh), opens its
 *     receipt, and forwards it (step "tiep-nhan": ASSIGN then COMPLETE_STEP); the specialist completes
 *     "tham-dinh" from the inbox; the head of the economic office records the result; the clerk finds
 *     the dossier by phone number and hands the result back. The citizen looks it up on /tra-cuu.
 *  2. A late result: handing it back is refused (409, only ISSUE_APOLOGY allowed) and the counter
 *     screen offers the apology form on the spot; the leader issues the apology; the clerk hands back.
 *     The supervisor's dashboard shows the week's figures; its late cards open lists of exactly those dossiers.
 *
 * Screenshots of every screen go to test-artifacts/e2e/*.png. Without Chromium the suite is skipped
 * with a loud warning, except in CI (CI=true), where it fails.
 */
import { BACKENDS } from '../support/backends';
import { startServer } from '../support/server';
import { browserRun, browserTest, HAVE_CHROMIUM } from '../support/browser';

const TIMEOUT = 120_000;
const PROC = '1.001612';

describe('the staff web UI in a browser', () => {
  const run = browserRun({ fullPage: false });

  /** A fresh browser signed in as `username`; `screenshot` names a shot of the filled sign-in form. */
  const signIn = (username: string, screenshot?: string) =>
    run.signIn(username, { beforeSubmit: screenshot ? (page) => run.shot(page, screenshot) : undefined });

  async function receiveViaApi(name: string, phone: string): Promise<string> {
    const d = await run.call('counter', 'POST', '/api/dossiers', {
      procedureCode: PROC,
      channel: 'counter',
      applicant: { fullName: name, idNumber: `0010900${phone.slice(-5)}`, phone, address: 'Phường Hoàn Kiếm, Hà Nội' },
      documents: [{ name: 'Giấy đề nghị đăng ký hộ kinh doanh', copies: 1 }],
    });
    await run.event('counter', d.code, 'ASSIGN', { assignee: 'counter' });
    await run.event('counter', d.code, 'COMPLETE_STEP', {});
    return d.code as string;
  }

  // ---- 0. what the server sends (no browser needed) ---------------------------------------------

  test('the UI is served as static files under a Content-Security-Policy that allows only this origin', async () => {
    const s = HAVE_CHROMIUM ? run.server : await startServer(BACKENDS[0]!);
    try {
      for (const [url, type] of [
        ['/', /text\/html/],
        ['/tra-cuu', /text\/html/],
        ['/ui/app.js', /javascript/],
        ['/ui/views/counter.js', /javascript/],
        ['/ui/styles.css', /text\/css/],
      ] as const) {
        const res = await s.http.get(url);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(type);
        const csp = String(res.headers['content-security-policy']);
        expect(csp).toContain("default-src 'self'");
        expect(csp).toContain("script-src 'self'");
        expect(csp).not.toContain('unsafe-inline');
        expect(csp).not.toContain('unsafe-eval');
        expect(csp).toContain("frame-ancestors 'none'");
      }
      expect((await s.http.get('/')).text).toContain('<script type="module" src="/ui/app.js">');
      expect((await s.http.get('/ui/../package.json')).status).toBe(404);
      expect((await s.http.get('/ui/%2e%2e/package.json')).status).toBe(404);
      expect((await s.http.get('/ui/nope.js')).status).toBe(404);
      // the API is untouched by the UI routes
      expect((await s.http.get('/api/dossiers')).status).toBe(401);
    } finally {
      if (!HAVE_CHROMIUM) await s.close();
    }
  });

  // ---- 1. the happy path --------------------------------------------------------------------

  browserTest(
    'a dossier goes from the counter through the specialist and the leader back to the counter',
    async () => {
      await run.at('2026-03-03 09:00');

      // the counter clerk signs in and lands on the counter desk
      let clerk = await signIn('counter', '00-login');
      await clerk.locator('#intake-title').waitFor();
      expect(await clerk.locator('#nav a[aria-current=page]').textContent()).toBe('Quầy tiếp nhận');

      // picks the procedure by its code: its required documents appear as a checklist
      await clerk.locator('#procedure').fill(PROC);
      await clerk.locator('#procedure').press('Tab');
      const checklist = clerk.locator('table.checklist tbody tr');
      await checklist.first().waitFor();
      expect(await checklist.count()).toBe(3);
      expect(await clerk.locator('#procedure-info').textContent()).toContain('3 ngày làm việc');

      // an empty submission is refused next to the fields, in Vietnamese
      await clerk.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
      await clerk.locator('.field-error:not([hidden])').first().waitFor();
      expect(await clerk.locator('[data-field="applicant.fullName"]').getAttribute('aria-invalid')).toBe('true');
      expect(await clerk.locator('#intake-form .form-error').textContent()).toContain('Vui lòng kiểm tra');
      await run.shot(clerk, '01-counter-validation');

      // ticks the documents it received and types the applicant
      await clerk.locator('table.checklist tbody tr').nth(0).locator('input[type=checkbox]').check();
      await clerk.locator('table.checklist tbody tr').nth(1).locator('input[type=checkbox]').check();
      await clerk.getByRole('textbox', { name: 'Họ và tên', exact: true }).fill('Nguyễn Thị Hoa');
      await clerk.getByRole('textbox', { name: 'Số CCCD / định danh', exact: true }).fill('001190012345');
      await clerk.getByRole('textbox', { name: 'Số điện thoại', exact: true }).fill('0912 345 678');
      await clerk.getByRole('textbox', { name: 'Email', exact: true }).fill('hoa.nguyen@example.vn');
      await clerk.getByRole('textbox', { name: 'Địa chỉ', exact: true }).fill('Số 5 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội');
      await run.shot(clerk, '02-counter-intake');

      // Enter receives: the code and the due date appear, the receipt button has the focus
      await clerk.getByRole('textbox', { name: 'Địa chỉ', exact: true }).press('Enter');
      await clerk.locator('#received-code').waitFor();
      const code = (await clerk.locator('#received-code').textContent())!.trim();
      expect(code).toMatch(/^000\.00\.12\.H29-260303-\d{4}$/);
      expect(await clerk.locator('#received-due').textContent()).toBe('17:00 06/03/2026');
      expect(await clerk.evaluate<string>('document.activeElement && document.activeElement.id')).toBe('print-receipt');
      await run.shot(clerk, '03-counter-received');

      // the receipt opens in a new tab, with its own styles (moved to a blob: stylesheet by the app)
      const [receipt] = await Promise.all([
        clerk.context().waitForEvent('page'),
        clerk.getByRole('button', { name: 'In giấy tiếp nhận' }).click(),
      ]);
      await receipt.waitForURL(/^blob:/);
      await receipt.waitForLoadState('load');
      await receipt.locator('.mc-toolbar').waitFor();
      expect(await receipt.locator('body').textContent()).toContain(code);
      expect(await receipt.evaluate<string>('getComputedStyle(document.body).fontFamily')).toMatch(/Times/);
      await run.shot(receipt, '04-receipt');
      await receipt.close();

      // the counter's own step: "Chuyển xử lý" = ASSIGN to itself + COMPLETE_STEP
      await clerk.getByRole('button', { name: 'Chuyển xử lý' }).click();
      const forward = clerk.getByRole('dialog');
      await forward.waitFor();
      await forward.getByRole('button', { name: 'Chuyển', exact: true }).click();
      await forward.waitFor({ state: 'detached' });
      await clerk.locator('#received-status', { hasText: 'Đã chuyển đến Phòng Kinh tế' }).waitFor();
      let view = await run.call('counter', 'GET', `/api/dossiers/${code}`);
      expect(view).toMatchObject({ state: 'processing', step: 'tham-dinh', unit: 'KINHTE' });

      // the specialist: the dossier is in the inbox; complete the step from the row
      await run.at('2026-03-04 10:00');
      const specialist = await signIn('specialist');
      expect(await specialist.locator('#nav a[aria-current=page]').textContent()).toBe('Hộp việc');
      const row = specialist.locator(`tr[data-code="${code}"]`);
      await row.waitFor();
      expect(await row.locator('td').nth(3).textContent()).toContain('Chuyên viên kiểm tra hồ sơ');
      await run.shot(specialist, '05-specialist-inbox');
      await row.getByRole('button', { name: 'Hoàn thành bước' }).click();
      const complete = specialist.getByRole('dialog');
      await complete.getByLabel('Ý kiến xử lý').fill('Hồ sơ hợp lệ, đã nhập dữ liệu đăng ký. Trình ký.');
      await run.shot(specialist, '06-specialist-complete-dialog');
      await complete.getByRole('button', { name: 'Xác nhận' }).click();
      await complete.waitFor({ state: 'detached' });
      await specialist.locator(`tr[data-code="${code}"] td:nth-child(4)`, { hasText: 'ký Giấy chứng nhận' }).waitFor();

      // the head of the economic office records the result, from the dossier page
      await run.at('2026-03-05 14:00');
      const leader = await signIn('leader_kinhte');
      const leaderRow = leader.locator(`tr[data-code="${code}"]`);
      await leaderRow.waitFor();
      await leaderRow.getByRole('link', { name: code }).click();
      await leader.locator('#dossier-code').waitFor();
      await leader.locator('#timeline > li[data-type="COMPLETE_STEP"]').nth(1).waitFor();
      await run.shot(leader, '07-leader-dossier');
      await leader.locator('#dossier-actions').getByRole('button', { name: 'Ghi kết quả' }).click();
      const record = leader.getByRole('dialog');
      await record.getByLabel('Số văn bản kết quả').fill('125/GCN-HKD');
      expect(await record.getByLabel('Ngày ký').inputValue()).toBe('2026-03-05');
      // the signer is chosen among the leaders who may sign (the signed-in head of office first), by username
      expect(await record.getByLabel('Người ký').inputValue()).toBe('leader_kinhte');
      await record.getByLabel('Số văn bản kết quả').press('Enter');
      await record.waitFor({ state: 'detached' });
      await leader.locator('.head-badges .state', { hasText: 'Đã có kết quả' }).waitFor();
      await run.shot(leader, '08-leader-result-recorded');

      // back at the counter two days later (yesterday's session has expired): find it by phone number, hand the result back
      await run.at('2026-03-05 15:00');
      clerk = await signIn('counter');
      await clerk.locator('#desk-search').fill('0912345678');
      await clerk.locator('#desk-search').press('Enter');
      const card = clerk.locator(`.desk-results li[data-code="${code}"]`);
      await card.waitFor();
      await card.getByRole('button', { name: 'Trả kết quả' }).click();
      const hand = clerk.getByRole('dialog');
      await hand.getByLabel('5 – Rất hài lòng').check();
      await run.shot(clerk, '09-counter-return-dialog');
      await hand.getByRole('button', { name: 'Xác nhận trả kết quả' }).click();
      // the receipt of the return is offered for printing; closing ends the hand-over
      await hand.getByRole('button', { name: 'In biên nhận trả kết quả' }).waitFor();
      await hand.getByRole('button', { name: 'Đóng' }).click();
      await hand.waitFor({ state: 'detached' });
      view = await run.call('counter', 'GET', `/api/dossiers/${code}`);
      expect(view).toMatchObject({ state: 'returned', timeliness: 'early' });

      // the dossier page tells the whole story
      await clerk.goto(`${run.base}/#/ho-so/${encodeURIComponent(code)}`);
      await clerk.locator('.head-badges .state', { hasText: 'Đã trả kết quả' }).waitFor();
      const types = await Promise.all((await clerk.locator('#timeline > li').all()).map((li) => li.getAttribute('data-type')));
      expect(types).toEqual(['RETURN_RESULT', 'RECORD_RESULT', 'COMPLETE_STEP', 'COMPLETE_STEP', 'ASSIGN', 'RECEIVE', 'SUBMIT']); // newest first
      expect(await clerk.locator('#timeline').textContent()).toContain('Hồ sơ hợp lệ, đã nhập dữ liệu đăng ký');
      await run.shot(clerk, '10-dossier-returned');
      // a reload keeps the tab signed in (sessionStorage) and on the same screen
      await clerk.reload();
      await clerk.locator('.head-badges .state', { hasText: 'Đã trả kết quả' }).waitFor();

      // the citizen's public lookup (no login): code + last 4 digits of the phone (the factor chosen at receipt, by default)
      const citizen = await run.anonymousPage();
      await citizen.goto(`${run.base}/tra-cuu?ma=${encodeURIComponent(code)}`);
      expect(await citizen.getByLabel('Mã hồ sơ').inputValue()).toBe(code);
      await citizen.getByLabel('4 số cuối của số ghi trên Giấy tiếp nhận').fill('5678');
      await citizen.getByLabel('4 số cuối của số ghi trên Giấy tiếp nhận').press('Enter');
      await citizen.locator('#answer .lookup-status').waitFor();
      expect(await citizen.locator('#answer').textContent()).toContain('Đã trả kết quả');
      await run.shot(citizen, '11-public-lookup');
      await citizen.close();

      expect(run.problems).toEqual([]);
    },
    TIMEOUT,
  );

  // ---- 2. a late result: the apology ------------------------------------------------------------

  browserTest(
    'a late result cannot be handed back without an apology: the counter is offered the form',
    async () => {
      await run.at('2026-03-09 09:00');
      const late = await receiveViaApi('Trần Văn Bình', '0987000111');
      const overdue = await receiveViaApi('Lê Thị Cúc', '0987000222');
      await run.event('specialist', late, 'COMPLETE_STEP', { note: 'Trình ký' });
      // three working days pass: both are late; the sweeper flags the open one overdue
      await run.at('2026-03-16 10:00');
      await run.sweepDeadlines();
      await run.event('leader_kinhte', late, 'RECORD_RESULT', {
        documentNumber: '131/GCN-HKD',
        documentDate: '2026-03-16',
        signer: 'leader_kinhte',
      });

      // the clerk tries to hand the late result back: the apology form is offered on the spot
      const clerk = await signIn('counter');
      await clerk.locator('#desk-search').fill(late);
      await clerk.locator('#desk-search').press('Enter');
      const card = clerk.locator(`.desk-results li[data-code="${late}"]`);
      await card.getByRole('button', { name: 'Trả kết quả' }).click();
      const dialog = clerk.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Xác nhận trả kết quả' }).click();
      await dialog.getByRole('heading', { name: /trễ hạn — cần Phiếu xin lỗi/ }).waitFor();
      for (const label of ['Lý do chậm trễ', 'Người ký phiếu', 'Ngày hẹn trả kết quả mới'])
        expect(await dialog.getByLabel(label).count()).toBe(1);
      expect(await dialog.getByLabel('Ngày hẹn trả kết quả mới').inputValue()).toBe('2026-03-17');
      await run.shot(clerk, '12-counter-apology-offer');
      // Escape cancels the dialog
      await clerk.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });

      // the leader issues the apology from the dossier page, and can print it
      const leader = await signIn('leader_kinhte');
      await leader.goto(`${run.base}/#/ho-so/${encodeURIComponent(late)}`);
      await leader.locator('#dossier-actions').getByRole('button', { name: 'Xin lỗi, hẹn lại' }).click();
      const apology = leader.getByRole('dialog');
      await apology.getByLabel('Lý do chậm trễ').fill('Chuyên viên nghỉ ốm, hồ sơ chậm trình ký.');
      await apology.getByRole('button', { name: 'Xác nhận' }).click();
      await apology.getByRole('button', { name: 'In phiếu xin lỗi' }).waitFor();
      await run.shot(leader, '13-leader-apology-issued');
      await apology.getByRole('button', { name: 'Đóng' }).click();
      await leader.locator('#timeline li[data-type="ISSUE_APOLOGY"]').waitFor();

      // now the clerk hands it back
      await clerk.locator('#desk-search').press('Enter');
      await card.getByRole('button', { name: 'Trả kết quả' }).click();
      await dialog.getByRole('button', { name: 'Xác nhận trả kết quả' }).click();
      await dialog.getByRole('button', { name: 'Đóng' }).click();
      await dialog.waitFor({ state: 'detached' });
      expect(await run.call('counter', 'GET', `/api/dossiers/${late}`)).toMatchObject({ state: 'returned', timeliness: 'late' });

      // the supervisor's dashboard: this week's figures from the metrics; each card opens exactly its dossiers
      const supervisor = await signIn('supervisor');
      expect(await supervisor.locator('#nav a[aria-current=page]').textContent()).toBe('Bảng điều hành');
      await supervisor.locator('#by-unit').waitFor();
      expect(await supervisor.locator('.stat[data-figure="pendingLate"] .stat-n').textContent()).toBe('1');
      expect(await supervisor.locator('.stat[data-figure="late"] .stat-n').textContent()).toBe('1');
      await run.shot(supervisor, '14-supervisor-dashboard');
      await supervisor.locator('.stat[data-figure="pendingLate"]').click();
      await supervisor.locator(`table.data tbody tr[data-code="${overdue}"]`).waitFor();
      expect(await supervisor.locator('table.data tbody tr').count()).toBe(1);
      await supervisor.goBack();
      await supervisor.locator('.stat[data-figure="late"]').click();
      await supervisor.locator(`table.data tbody tr[data-code="${late}"]`).waitFor();
      expect(await supervisor.locator('table.data tbody tr').count()).toBe(1);

      // and the search screen
      // the drill-down is the search view too: its one-row table stays until the plain search replaces it
      const drillDown = await supervisor.locator('table.data').elementHandle();
      await supervisor.locator('#nav').getByRole('link', { name: 'Tra cứu hồ sơ' }).click();
      await supervisor.waitForFunction((table) => !table?.isConnected, drillDown);
      await supervisor.locator('table.data tbody tr').first().waitFor();
      expect(await supervisor.locator('table.data tbody tr').count()).toBe(3);
      await run.shot(supervisor, '15-search');

      expect(run.problems).toEqual([]);
    },
    TIMEOUT,
  );
});
