/**
 * End to end: the auditor's view of one dossier (#/kiem-tra/{code}) in headless Chromium against the
 * real server on a fresh SQLite database with the demo users, at 1366×768 (Asia/Ho_Chi_Minh).
 *
 * A dossier for 1.001612 goes through the engine (counter → specialist → leader). The auditor opens
 * it from the dossier page, finds every event's chain intact, and steps back through the history with
 * the keyboard and the ◀ ▶ buttons: the state shown is the state at that event. Then the result
 * event's payload is edited directly in the database; after a reload the event is marked in red and
 * the finding is listed with its Vietnamese label.
 *
 * Screenshots go to test-artifacts/e2e/audit-*.png. Without Chromium the browser test is skipped with
 * a loud warning, except in CI (CI=true), where it fails (the rules of counter-desk.e2e.test.ts).
 */
import { ACTORS, submission } from '../support/engine';
import { browserRun, browserTest, textOf } from '../support/browser';
import { asDatabaseOwner } from '../support/db-owner';

const TIMEOUT = 120_000;
const PROC = '1.001612';

describe('the auditor view in a browser', () => {
  const run = browserRun();

  /** The dossier through the engine: counter (ASSIGN, COMPLETE_STEP), specialist, leader's result. */
  async function walkedDossier(): Promise<{ code: string; id: string }> {
    run.server.engine.at('2026-03-03 09:00');
    const { code, id } = await run.server.engine.engine.submit(submission(PROC), ACTORS.counter);
    await run.act('2026-03-03 10:00', code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await run.act('2026-03-03 11:00', code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    await run.act('2026-03-04 09:00', code, { type: 'COMPLETE_STEP', note: 'Hồ sơ hợp lệ, trình ký' });
    await run.act(
      '2026-03-05 09:00',
      code,
      { type: 'RECORD_RESULT', documentNumber: '15/GCN-HKD', documentDate: '2026-03-05', signer: 'Chủ tịch UBND xã', digitised: true },
      ACTORS.leader,
    );
    run.server.engine.at('2026-03-05 10:00');
    return { code, id };
  }

  browserTest(
    'the auditor steps through a dossier history, then sees an edited event marked and the finding listed',
    async () => {
      const { code, id } = await walkedDossier();

      // a counter clerk has no auditor link on the dossier page
      const clerk = await run.signIn('counter');
      await clerk.goto(`${run.base}/#/ho-so/${encodeURIComponent(code)}`);
      await clerk.locator('#dossier-code').waitFor();
      expect(await clerk.locator('#audit-link').count()).toBe(0);

      // the auditor opens the dossier page and follows "Kiểm tra lịch sử"
      const auditor = await run.signIn('auditor');
      await auditor.goto(`${run.base}/#/ho-so/${encodeURIComponent(code)}`);
      await auditor.locator('#dossier-code').waitFor();
      await run.shot(auditor, 'audit-00-dossier-link');
      await auditor.getByRole('link', { name: 'Kiểm tra lịch sử' }).click();
      await auditor.locator('#audit-events').waitFor();
      expect(auditor.url()).toContain(`#/kiem-tra/${encodeURIComponent(code)}`);

      // an intact history: the verdict is green, each of the six events has a ✓
      expect(await textOf(auditor, '#audit-verdict')).toContain('Không phát hiện bất thường');
      const rows = auditor.locator('#audit-events tbody tr');
      expect(await rows.count()).toBe(6);
      expect(await Promise.all((await rows.all()).map((r) => r.getAttribute('data-type')))).toEqual([
        'SUBMIT',
        'RECEIVE',
        'ASSIGN',
        'COMPLETE_STEP',
        'COMPLETE_STEP',
        'RECORD_RESULT',
      ]);
      expect(await auditor.locator('#audit-events .c-chain .chain-ok').count()).toBe(6);
      expect(await auditor.locator('#audit-no-diff').count()).toBe(1);
      // the last event is selected: the result, recorded 09:00 05/03/2026 by the leader
      const slider = auditor.locator('#audit-slider');
      expect(await slider.inputValue()).toBe('5');
      expect(await textOf(auditor, '#audit-position')).toBe('6/6 · #6 · 09:00 05/03/2026');
      expect(await textOf(auditor, '#audit-event .audit-event-title')).toContain('Có kết quả giải quyết');
      expect(await textOf(auditor, '#audit-change tr[data-key="state"] td.after')).toBe('Đã có kết quả');
      expect(await textOf(auditor, '#audit-payload')).toContain('15/GCN-HKD');
      await auditor.locator('#audit-state dl[data-seq="6"]').waitFor();
      await run.shot(auditor, 'audit-01-intact');

      // back three events with the arrow keys: the ASSIGN, before → after
      await slider.focus();
      for (let i = 0; i < 3; i++) await auditor.keyboard.press('ArrowLeft');
      expect(await slider.inputValue()).toBe('2');
      expect(await textOf(auditor, '#audit-position')).toBe('3/6 · #3 · 10:00 03/03/2026');
      expect(await textOf(auditor, '#audit-event .audit-event-title')).toContain('Phân công xử lý');
      expect(await textOf(auditor, '#audit-change tr[data-key="state"] td.before')).toBe('Được tiếp nhận');
      expect(await textOf(auditor, '#audit-change tr[data-key="state"] td.after')).toBe('Đang xử lý');
      expect(await textOf(auditor, '#audit-change tr[data-key="dueAt"] td.after')).toBe('17:00 06/03/2026');
      expect(await textOf(auditor, '#audit-change tr[data-key="originalDueAt"] td.before')).toBe('17:00 06/03/2026');
      expect(await auditor.locator('#audit-change tr[data-key="originalDueAt"]').getAttribute('class')).toBeNull();
      expect(await textOf(auditor, '#audit-change tr[data-key="step"] td.after')).toContain('Tiếp nhận');
      expect(await auditor.locator('#audit-events tr[aria-current="step"]').getAttribute('data-seq')).toBe('3');
      // the replayed state at that event (GET /replay?upTo=3)
      await auditor.locator('#audit-state dl[data-seq="3"]').waitFor();
      const at3 = await textOf(auditor, '#audit-state');
      expect(at3).toContain('Đang xử lý');
      expect(at3).toContain('Trong hạn');
      expect(at3).toContain('Nguyễn Thị Lan (Công chức Trung tâm Phục vụ hành chính công)');
      expect(at3).not.toContain('Kết quả');
      expect(auditor.url()).toMatch(/\?seq=3$/);
      await run.shot(auditor, 'audit-02-at-assign');

      // ◀ to the reception, ▶ ▶ to the counter's completed step, the → key to the specialist's
      await auditor.locator('#audit-prev').click();
      expect(await textOf(auditor, '#audit-change tr[data-key="state"] td.after')).toBe('Được tiếp nhận');
      expect(await textOf(auditor, '#audit-payload')).toContain('17:00 06/03/2026');
      await auditor.locator('#audit-next').click();
      await auditor.locator('#audit-next').click();
      await auditor.keyboard.press('ArrowRight'); // focus is on the ▶ button: the view steps, not the page
      expect(await slider.inputValue()).toBe('4');
      expect(await textOf(auditor, '#audit-event')).toContain('Trần Văn Minh (Chuyên viên Phòng Kinh tế) · Phòng Kinh tế');
      expect(await textOf(auditor, '#audit-payload')).toContain('Hồ sơ hợp lệ, trình ký');
      // Home: the submission, with no state before it
      await slider.focus();
      await auditor.keyboard.press('Home');
      expect(await textOf(auditor, '#audit-change tr[data-key="state"] td.before')).toBe('(chưa có hồ sơ)');
      expect(await textOf(auditor, '#audit-payload')).toContain('Nguyễn Thị Hoa');
      await auditor.locator('#audit-state dl[data-seq="1"]').waitFor();
      expect(await textOf(auditor, '#audit-payload')).toContain('Giấy đề nghị');
      await run.shot(auditor, 'audit-04-submit');

      // someone edits the result's document number straight in the database
      const stored = await run.server.engine.db('dossier_events').where({ dossier_id: id, seq: 6 }).first();
      const payload = JSON.parse(stored.payload);
      expect(payload.documentNumber).toBe('15/GCN-HKD');
      await asDatabaseOwner(run.server.engine.db); // as the database owner: the application itself cannot change history
      const changed = await run.server.engine
        .db('dossier_events')
        .where({ dossier_id: id, seq: 6 })
        .update({ payload: JSON.stringify({ ...payload, documentNumber: '99/GCN-HKD' }) });
      expect(changed).toBe(1);

      // after a reload (same position), the edited event is marked and the finding listed
      await auditor.reload();
      await auditor.locator('#audit-events').waitFor();
      expect(await slider.inputValue()).toBe('0');
      expect(await textOf(auditor, '#audit-verdict')).toContain('đầu tiên tại sự kiện #6: Nội dung sự kiện bị sửa');
      const broken = auditor.locator('#audit-events tbody tr[data-seq="6"]');
      expect(await broken.getAttribute('class')).toContain('audit-row-bad');
      expect(await textOf(auditor, '#audit-events tbody tr[data-seq="6"] .c-chain')).toBe('✗ Nội dung sự kiện bị sửa');
      expect(
        await auditor.evaluate<string>(`getComputedStyle(document.querySelector('#audit-events tr[data-seq="6"] .chain-bad')).color`),
      ).toBe('rgb(143, 13, 13)'); // red
      for (const seq of [1, 2, 3, 4, 5]) {
        expect(await textOf(auditor, `#audit-events tbody tr[data-seq="${seq}"] .c-chain`)).toBe('✓ hợp lệ');
      }
      expect(await auditor.locator('.audit-tick-bad').count()).toBe(1);
      const finding = auditor.locator('#audit-findings li[data-kind="hash_mismatch"]');
      expect(await finding.count()).toBe(1);
      expect(await finding.getAttribute('data-seq')).toBe('6');
      expect(await textOf(auditor, '#audit-findings li[data-kind="hash_mismatch"] .finding-kind')).toBe('Nội dung sự kiện bị sửa');

      // the finding's link selects the event: its tampered payload, and what the replay now disagrees with
      await finding.getByRole('button', { name: 'tại sự kiện #6' }).click();
      expect(await slider.inputValue()).toBe('5');
      expect(await textOf(auditor, '#audit-event .audit-event-findings')).toContain('Nội dung sự kiện bị sửa');
      expect(await textOf(auditor, '#audit-payload')).toContain('99/GCN-HKD');
      // the stored row still holds the result as recorded: the replay of the edited event disagrees, field by field
      const drift = auditor.locator('#audit-diff tr[data-path$="documentNumber"]');
      expect(await drift.locator('.diff-stored').textContent()).toBe('15/GCN-HKD');
      expect(await drift.locator('.diff-replayed').textContent()).toBe('99/GCN-HKD');
      expect(await auditor.locator('#audit-findings li[data-kind="projection_drift"]').count()).toBe(1);
      await run.shot(auditor, 'audit-03-tampered');

      expect(run.problems).toEqual([]);
    },
    TIMEOUT,
  );
});
