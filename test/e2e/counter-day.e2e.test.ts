/**
 * End to end: the counter clerk's day in headless Chromium at 1366×768 (Asia/Ho_Chi_Minh), the browser's
 * clock following the server's test clock. Friday 06/03/2026, 14:00, on SQLite.
 *
 *  - The intake badge: an online submission shows "Chờ tiếp nhận X/8 giờ làm việc" (the API's working hours),
 *    one waiting since Wednesday is flagged "quá 8 giờ"; a postal one has no 8-hour badge.
 *  - The queues: an online and a postal submission (no due date yet) are in "Chờ tiếp nhận", with no
 *    receipt to print before receipt; a dossier waiting for a supplement says its clock is stopped.
 *  - The keyboard: "/" in the autofocused, empty procedure box goes to the search; Enter in the empty
 *    form submits nothing; "Đã nhận đủ" ticks the required documents, not the "(nếu có)" ones.
 *  - A late result: its card says so before the clerk starts; handing it back brings up the apology form,
 *    which proposes the next working day from the server's calendar (Monday 09/03, not Saturday) and a
 *    signer chosen among those who may sign; the clerk issues it and hands the result back.
 *  - A late result handed over at once (the applicant at the counter): the apology needs no future date;
 *    one submit records the apology (no new appointment) and returns the result; both forms print.
 *
 * Screenshots go to test-artifacts/e2e/counter-day-*.png.
 */
import { hanoi } from '../support/engine';
import { browserRun, browserTest, textOf } from '../support/browser';

const TIMEOUT = 180_000;
const PROC = '1.001612';
const NOW = '2026-03-06 14:00';

describe("the counter clerk's day in a browser", () => {
  const codes = { online: '', onlineLate: '', postal: '', supplement: '', late: '', lateNow: '' };
  const run = browserRun({
    start: '2026-03-02 09:00',
    now: NOW,
    screenshots: 'counter-day-',
    fullPage: false,
    seed: async (run) => {
      // late: received Mon 02/03, due Thu 05/03 17:00, its result recorded Fri 06/03: late, no apology yet
      codes.late = await run.submit('2026-03-02 09:00', 'Lê Văn Long');
      await run.forward('2026-03-02 09:10', codes.late);
      await run.act('2026-03-06 09:00', codes.late, { type: 'COMPLETE_STEP' });
      await run.act('2026-03-06 10:00', codes.late, {
        type: 'RECORD_RESULT',
        documentNumber: '21/GCN-HKD',
        documentDate: '2026-03-06',
        signer: 'Vũ Đức Thắng',
        digitised: true,
      });
      // the same, for the applicant who takes the result on the spot
      codes.lateNow = await run.submit('2026-03-02 09:05', 'Đinh Thị Ngay');
      await run.forward('2026-03-02 09:15', codes.lateNow);
      await run.act('2026-03-06 09:05', codes.lateNow, { type: 'COMPLETE_STEP' });
      await run.act('2026-03-06 10:05', codes.lateNow, {
        type: 'RECORD_RESULT',
        documentNumber: '22/GCN-HKD',
        documentDate: '2026-03-06',
        signer: 'Vũ Đức Thắng',
        digitised: true,
      });
      // supplement: received Thu 05/03, the specialist asks for a missing paper
      codes.supplement = await run.submit('2026-03-05 09:00', 'Sầm Thị Sen');
      await run.forward('2026-03-05 09:10', codes.supplement);
      await run.act('2026-03-05 15:00', codes.supplement, {
        type: 'REQUEST_SUPPLEMENT',
        missing: ['Bản sao Căn cước công dân của chủ hộ'],
        reason: 'Thiếu giấy tờ tùy thân của chủ hộ',
      });
      // online and postal submissions, not received yet: no due date
      // online since Wednesday: unanswered past the 8 working hours
      codes.onlineLate = await run.submit('2026-03-04 08:00', 'Bà Chờ Lâu', 'online');
      codes.online = await run.submit('2026-03-06 08:00', 'Ông Văn Online', 'online');
      codes.postal = await run.submit('2026-03-06 08:30', 'Phạm Thị Bưu', 'postal');
    },
  });

  browserTest(
    'an online submission shows its working hours waited out of 8, flagged once over; a postal one has no 8-hour badge',
    async () => {
      // first: the queue test below receives the online submission
      const clerk = await run.signIn('counter');
      const waiting = clerk.locator('.desk-list').nth(1);
      await waiting.locator(`li[data-code="${codes.online}"] .intake-wait`).waitFor();
      const intakeOf = async (code: string) =>
        (await run.call('counter', 'GET', `/api/dossiers/${code}`)).intake as {
          waitedWorkingMs: number;
          overdue: boolean;
          dueBy: string | null;
        };
      const hours = (ms: number) => (ms / 3_600_000).toLocaleString('vi-VN', { maximumFractionDigits: 1 });

      const fresh = await intakeOf(codes.online);
      expect(fresh.overdue).toBe(false);
      expect(fresh.waitedWorkingMs).toBeGreaterThan(0);
      const badge = waiting.locator(`li[data-code="${codes.online}"] .intake-wait`);
      expect(await badge.textContent()).toBe(`Chờ tiếp nhận ${hours(fresh.waitedWorkingMs)}/8 giờ làm việc`);
      expect(await badge.getAttribute('data-intake-overdue')).toBe('false');

      const late = await intakeOf(codes.onlineLate);
      expect(late.overdue).toBe(true);
      const lateBadge = waiting.locator(`li[data-code="${codes.onlineLate}"] .intake-wait`);
      expect(await lateBadge.textContent()).toBe(`Chờ tiếp nhận ${hours(late.waitedWorkingMs)} giờ làm việc — quá 8 giờ`);
      expect(await lateBadge.getAttribute('data-intake-overdue')).toBe('true');
      expect(await lateBadge.getAttribute('class')).toContain('tl-overdue');
      const local = (iso: string) => {
        const d = new Date(Date.parse(iso) + 7 * 3_600_000).toISOString();
        return `${d.slice(11, 16)} ${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
      };
      expect(await lateBadge.getAttribute('title')).toContain(`trước ${local(late.dueBy!)}`);

      // the 8 working hours are the online channel's (Decree 297/2025 Art. 6(4)): a postal submission has no such badge
      expect((await intakeOf(codes.postal)).dueBy).toBeNull();
      expect(await waiting.locator(`li[data-code="${codes.postal}"] .intake-wait`).count()).toBe(0);
      await run.shot(clerk, '02b-intake-badges');
      expect(run.problems).toEqual([]);
    },
    TIMEOUT,
  );

  browserTest(
    "the queues show the online and postal submissions, and a supplement's stopped clock",
    async () => {
      const clerk = await run.signIn('counter');
      await clerk.locator('#intake-title').waitFor();
      const waiting = clerk.locator('.desk-list').nth(1);
      await waiting.locator(`li[data-code="${codes.postal}"]`).waitFor();
      // dated first (the supplement keeps its appointment), then the undated by submission time
      expect(await waiting.locator('li.card').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')))).toEqual([
        codes.supplement,
        codes.onlineLate,
        codes.online,
        codes.postal,
      ]);
      expect(await textOf(clerk, `li[data-code="${codes.online}"] .card-meta`)).toContain('Đăng ký: 08:00 06/03/2026');
      // no receipt before receipt: the submissions waiting for it offer none, a received dossier does
      for (const code of [codes.online, codes.postal])
        expect(await waiting.locator(`li[data-code="${code}"]`).getByRole('button', { name: 'In giấy tiếp nhận' }).count()).toBe(0);
      expect(await waiting.locator(`li[data-code="${codes.online}"]`).getByRole('button', { name: 'Tiếp nhận', exact: true }).count()).toBe(
        1,
      );
      expect(await waiting.locator(`li[data-code="${codes.supplement}"]`).getByRole('button', { name: 'In giấy tiếp nhận' }).count()).toBe(
        1,
      );
      const supplement = clerk.locator(`li[data-code="${codes.supplement}"]`);
      expect(await textOf(clerk, `li[data-code="${codes.supplement}"] .card-head`)).toContain('Dừng tính thời hạn');
      expect(await supplement.locator('.card-meta').textContent()).toContain('dừng tính thời hạn');
      expect(await supplement.locator('.card-meta').textContent()).not.toMatch(/còn \d/);
      expect(await supplement.locator('.card-head').textContent()).not.toContain('Trong hạn');
      await run.shot(clerk, '01-queues');

      // the dossier page says the same
      await supplement.locator('a').first().click();
      await clerk.locator('#dossier-due').waitFor();
      expect(await textOf(clerk, '.head-badges')).toContain('Dừng tính thời hạn');
      expect(await textOf(clerk, '.facts')).toContain('dừng tính thời hạn');
      await run.shot(clerk, '02-supplement-dossier');

      // the online submission is received from the queue: its due date starts now
      await clerk.goBack();
      await clerk.locator(`li[data-code="${codes.online}"]`).getByRole('button', { name: 'Tiếp nhận', exact: true }).click();
      const dialog = clerk.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Xác nhận' }).click();
      await dialog.getByRole('button', { name: /^In / }).waitFor();
      await dialog.getByRole('button', { name: 'Đóng' }).click();
      expect(run.problems).toEqual([]);
    },
    TIMEOUT,
  );

  browserTest(
    'the keyboard: "/" goes to the search from the empty procedure box, Enter submits nothing empty, "Đã nhận đủ" skips "(nếu có)"',
    async () => {
      const clerk = await run.signIn('counter');
      await clerk.locator('#intake-title').waitFor();
      await clerk.locator('#procedure').focus();
      await clerk.keyboard.press('Enter');
      expect(await clerk.locator('#intake-form .form-error').isHidden()).toBe(true);
      expect(await clerk.locator('.field-error:not([hidden])').count()).toBe(0);

      await clerk.keyboard.press('/');
      expect(await clerk.evaluate<string>('document.activeElement && document.activeElement.id')).toBe('desk-search');
      expect(await clerk.locator('#procedure').inputValue()).toBe('');
      await clerk.keyboard.type(codes.late.toLowerCase());
      await clerk.keyboard.press('Enter');
      await clerk.locator(`.desk-results li[data-code="${codes.late}"]`).waitFor();

      // the checklist: Enter in the procedure box chooses the procedure, without submitting
      await clerk.locator('#procedure').fill(PROC);
      await clerk.locator('#procedure').press('Enter');
      await clerk.locator('table.checklist tbody tr').first().waitFor();
      expect(await clerk.locator('.field-error:not([hidden])').count()).toBe(0);
      await clerk.getByRole('button', { name: 'Đã nhận đủ' }).click();
      const ticks = await clerk
        .locator('table.checklist tbody tr')
        .evaluateAll((rows) =>
          rows.map((r) => [r.getAttribute('data-name')?.slice(-9).trim(), r.querySelector('input[type=checkbox]')!.matches(':checked')]),
        );
      expect(ticks).toEqual([
        ['inh doanh', true],
        ['đăng ký)', true],
        ['(nếu có)', false],
      ]);
      expect(await textOf(clerk, '#docs-count')).toMatch(/^Đã nhận 2\/3 giấy tờ( ·|$)/);
      await run.shot(clerk, '03-checklist');
      expect(run.problems).toEqual([]);
    },
    TIMEOUT,
  );

  browserTest(
    '"Đã nhận đủ" follows the procedure\'s optional flag from the API, not the wording',
    async () => {
      const clerk = await run.signIn('counter');
      // the same catalogue, with the flags swapped: the first paper optional, the "(nếu có)" one required
      await clerk.route('**/api/procedures', async (route) => {
        const res = await route.fetch();
        const list = (await res.json()) as { code: string; requiredDocuments: { optional: boolean }[] }[];
        for (const p of list) if (p.code === PROC) p.requiredDocuments.forEach((d, i) => (d.optional = i === 0));
        await route.fulfill({ response: res, json: list });
      });
      await clerk.reload();
      await clerk.locator('#intake-title').waitFor();
      await clerk.locator('#procedure').fill(PROC);
      await clerk.locator('#procedure').press('Enter');
      await clerk.locator('table.checklist tbody tr').first().waitFor();
      await clerk.getByRole('button', { name: 'Đã nhận đủ' }).click();
      const ticks = await clerk
        .locator('table.checklist tbody tr')
        .evaluateAll((rows) =>
          rows.map((r) => [r.getAttribute('data-optional'), r.querySelector('input[type=checkbox]')!.matches(':checked')]),
        );
      expect(ticks).toEqual([
        ['true', false],
        ['false', true],
        ['false', true],
      ]);
      expect(run.problems).toEqual([]);
    },
    TIMEOUT,
  );

  browserTest(
    'a late result: the card says so, the apology proposes the next working day and a signer, then the result is handed back',
    async () => {
      const clerk = await run.signIn('counter');
      const card = clerk.locator(`.desk-list li[data-code="${codes.late}"]`);
      await card.waitFor();
      expect(await card.locator('.card-late').getAttribute('data-late')).toBe('apology-owed');
      expect(await textOf(clerk, `.desk-list li[data-code="${codes.late}"] .card-late`)).toContain(
        'Kết quả trễ hạn (hạn 17:00 05/03/2026): lập Phiếu xin lỗi',
      );
      await run.shot(clerk, '04-late-card');

      await card.getByRole('button', { name: 'Trả kết quả' }).click();
      const dialog = clerk.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Xác nhận trả kết quả' }).click();
      await dialog.getByRole('heading', { name: /trễ hạn — cần Phiếu xin lỗi/ }).waitFor();
      // the applicant will come back: a new appointment
      await dialog.getByLabel('Hẹn lại ngày trả kết quả').check();
      // Friday: the next working day is Monday 09/03, from the server's calendar
      expect(await dialog.getByLabel('Ngày hẹn trả kết quả mới').inputValue()).toBe('2026-03-09');
      const signers = await dialog
        .getByLabel('Người ký phiếu')
        .locator('option')
        .evaluateAll((os) => os.map((o) => [o.getAttribute('value'), o.textContent]));
      const allowed = (await run.call('counter', 'GET', `/api/dossiers/${codes.late}/signers`)).signers as { username: string }[];
      expect(signers.slice(1).map(([v]) => v)).toEqual(allowed.map((s) => s.username));
      expect(allowed.length).toBeGreaterThan(0);
      await dialog.getByLabel('Lý do chậm trễ').fill('Chuyên viên nghỉ ốm, hồ sơ chậm trình ký.');
      await dialog.getByLabel('Người ký phiếu').selectOption(allowed[0]!.username);
      await run.shot(clerk, '05-apology-form');
      await dialog.getByRole('button', { name: 'Lập phiếu xin lỗi' }).click();
      await dialog.getByRole('button', { name: 'Trả kết quả ngay' }).waitFor();
      expect(await textOf(clerk, 'dialog[open] .alert-ok')).toContain('17:00 09/03/2026');
      await run.shot(clerk, '06-apology-issued');
      await dialog.getByRole('button', { name: 'Trả kết quả ngay' }).click();
      // the receipt of the return (Biên nhận trả kết quả), printed from the same dialog
      const [receipt] = await Promise.all([
        clerk.context().waitForEvent('page'),
        dialog.getByRole('button', { name: 'In biên nhận trả kết quả' }).click(),
      ]);
      await receipt.waitForURL(/^blob:/);
      await receipt.waitForLoadState('load');
      const printed = ((await receipt.locator('body').textContent()) ?? '').replace(/\s+/g, ' ');
      expect(printed).toContain('BIÊN NHẬN TRẢ KẾT QUẢ');
      expect(printed).toContain(codes.late);
      expect(printed).toContain('trễ hạn');
      expect(printed).toContain('Nguyễn Thị Lan');
      await run.shot(receipt, '07-return-receipt');
      await receipt.close();
      await dialog.getByRole('button', { name: 'Đóng' }).click();
      await dialog.waitFor({ state: 'detached' });
      const after = await run.call('counter', 'GET', `/api/dossiers/${codes.late}`);
      expect(after).toMatchObject({ state: 'returned', timeliness: 'late' });
      expect(run.problems).toEqual([]);
    },
    TIMEOUT,
  );

  browserTest(
    'a late result handed over at once: the apology names no future date and the result is returned in the same step',
    async () => {
      const clerk = await run.signIn('counter');
      const card = clerk.locator(`.desk-list li[data-code="${codes.lateNow}"]`);
      await card.waitFor();
      await card.getByRole('button', { name: 'Trả kết quả' }).click();
      const dialog = clerk.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Xác nhận trả kết quả' }).click();
      await dialog.getByRole('heading', { name: /trễ hạn — cần Phiếu xin lỗi/ }).waitFor();
      // the applicant is at the counter: "return now" is chosen, and no date is asked
      expect(await dialog.getByLabel(/Trả kết quả ngay hôm nay/).isChecked()).toBe(true);
      expect(await dialog.getByLabel('Ngày hẹn trả kết quả mới').isVisible()).toBe(false);
      const allowed = (await run.call('counter', 'GET', `/api/dossiers/${codes.lateNow}/signers`)).signers as { username: string }[];
      await dialog.getByLabel('Lý do chậm trễ').fill('Chờ chữ ký lãnh đạo đi công tác.');
      await dialog.getByLabel('Người ký phiếu').selectOption(allowed[0]!.username);
      await run.shot(clerk, '08-apology-return-now');
      await dialog.getByRole('button', { name: 'Lập phiếu xin lỗi' }).click();
      await dialog.getByRole('button', { name: 'In biên nhận trả kết quả' }).waitFor();
      expect(await textOf(clerk, 'dialog[open] .alert-ok')).toContain('trả kết quả ngay');
      await run.shot(clerk, '09-returned-with-apology');
      const [apology] = await Promise.all([
        clerk.context().waitForEvent('page'),
        dialog.getByRole('button', { name: 'In phiếu xin lỗi' }).click(),
      ]);
      await apology.waitForURL(/^blob:/);
      await apology.waitForLoadState('load');
      const printed = ((await apology.locator('body').textContent()) ?? '').replace(/\s+/g, ' ');
      expect(printed).toContain('PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ');
      expect(printed).toContain('ngay trong ngày 06/03/2026, không hẹn lại ngày trả kết quả');
      expect(printed).not.toContain('hẹn lại thời gian trả kết quả vào lúc');
      await run.shot(apology, '10-apology-return-now');
      await apology.close();
      await dialog.getByRole('button', { name: 'Đóng' }).click();
      await dialog.waitFor({ state: 'detached' });
      const after = await run.call('counter', 'GET', `/api/dossiers/${codes.lateNow}`);
      expect(after).toMatchObject({ state: 'returned', timeliness: 'late', apology: { newDueAt: null } });
      expect(after.dueAt).toBe(hanoi('2026-03-05 17:00'));
      expect(run.problems).toEqual([]);
    },
    TIMEOUT,
  );
});
