/**
 * An automated accessibility check over every page of the web UI: axe-core (WCAG 2.1 A/AA and best
 * practices) run in headless Chromium at 1366×768 on each staff screen as each role sees it (with an action
 * dialog open too), the sign-in form, the "no access" page, and the citizen's lookup (form, error and
 * answer). Any serious or critical violation fails, listed with its rule and elements. The same pages must
 * show no raw code (an event type such as STEP_OVERDUE, a state, an error code): every one has its label.
 *
 * Screenshots go to test-artifacts/e2e/a11y-*.png.
 */
import type { Page } from 'playwright-core';
import { ACTORS } from '../support/engine';
import { browserRun, browserTest } from '../support/browser';
import { axeViolations, type AxeFinding } from '../support/axe';

/** an event type, error or state code (STEP_OVERDUE, VERSION_CONFLICT, in_progress, due_soon) shown as text */
const RAW_CODE = /\b(?:[A-Z]{2,}(?:_[A-Z]+)+|[a-z]+(?:_[a-z]+)+)\b/g;

const TIMEOUT = 300_000;

describe('accessibility of every page (axe-core in Chromium)', () => {
  /** A: at the specialist's step (KINHTE); R: resolved and handed back */
  const codes = { A: '', R: '' };
  const run = browserRun({
    start: '2026-03-09 08:00',
    screenshots: 'a11y-',
    timeout: TIMEOUT,
    seed: async (run) => {
      for (const key of ['A', 'R'] as const) {
        codes[key] = await run.submit('2026-03-09 08:10', `Người nộp ${key}`);
        await run.act('2026-03-09 08:15', codes[key], { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
        await run.act('2026-03-09 08:20', codes[key], { type: 'COMPLETE_STEP' }, ACTORS.counter);
      }
      await run.act('2026-03-10 09:00', codes.R, { type: 'COMPLETE_STEP' });
      await run.act(
        '2026-03-10 10:00',
        codes.R,
        { type: 'RECORD_RESULT', documentNumber: '20/GCN-HKD', documentDate: '2026-03-10', signer: 'Vũ Đức Thắng', digitised: true },
        { username: 'leader_kinhte', unit: 'KINHTE' },
      );
      await run.act('2026-03-11 09:00', codes.R, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
      // A is now past its due date: the sweeper records DEADLINE_PASSED, which the timeline must name in words
      await run.at('2026-03-16 09:00');
      await run.sweepDeadlines();
    },
  });

  const findings: AxeFinding[] = [];
  const checked: string[] = [];
  /** raw codes in what a page shows (the auditor's <code> beside each label excepted) */
  const rawCodes: string[] = [];

  async function settle(page: Page) {
    await page.locator('#view h1').first().waitFor();
    await page.locator('#view .loading').waitFor({ state: 'detached' });
    await page.waitForTimeout(150);
  }
  async function check(page: Page, name: string) {
    await run.shot(page, name);
    findings.push(...(await axeViolations(page, name)));
    const shown = (await page.evaluate(
      `(() => { const c = document.body.cloneNode(true); c.querySelectorAll('code, script, style, [hidden]').forEach((n) => n.remove()); return c.innerText; })()`,
    )) as string;
    for (const m of shown.match(RAW_CODE) ?? []) rawCodes.push(`${name}: ${m}`);
    checked.push(name);
  }
  async function screen(page: Page, hash: string, name: string) {
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    await page.waitForURL((url) => url.hash === hash);
    await settle(page);
    await check(page, name);
  }
  async function signIn(username: string): Promise<Page> {
    const page = await run.signIn(username);
    await settle(page);
    return page;
  }
  const report = (list: AxeFinding[]) =>
    list.map((f) => `${f.page}: [${f.impact}] ${f.rule} — ${f.help}\n    ${f.targets.join('\n    ')}`).join('\n');

  browserTest(
    'no serious or critical violation on any staff page, for any role, nor on the citizen lookup',
    async () => {
      // the sign-in form, before anyone signs in
      const anon = await run.anonymousPage({ who: 'anonymous' });
      await anon.goto(`${run.base}/`);
      await anon.locator('#login-form').waitFor();
      await check(anon, 'login');
      await anon.close();

      const counter = await signIn('counter');
      await screen(counter, '#/quay', 'counter-intake');
      await screen(counter, '#/hop-viec', 'counter-inbox');
      await screen(counter, `#/tra-cuu?q=${codes.A}`, 'counter-search');
      await screen(counter, `#/ho-so/${codes.R}`, 'counter-dossier');
      await screen(counter, `#/ho-so/${codes.A}`, 'counter-dossier-open');
      expect(await counter.locator('#timeline [data-type="DEADLINE_PASSED"] .ev-title').textContent()).toBe('Quá hạn (hệ thống)');
      await counter.locator('#dossier-actions button[data-action="REQUEST_WITHDRAWAL"]').click();
      await counter.locator('dialog[open]').waitFor();
      await check(counter, 'counter-dialog');
      await counter.keyboard.press('Escape');

      const specialist = await signIn('specialist');
      await screen(specialist, '#/hop-viec', 'specialist-inbox');
      await screen(specialist, `#/ho-so/${codes.A}`, 'specialist-dossier');

      const leader = await signIn('leader_kinhte');
      await screen(leader, '#/hop-viec', 'leader-inbox');
      await screen(leader, `#/ho-so/${codes.A}`, 'leader-dossier');
      await leader.locator('#dossier-actions button[data-action="ASSIGN"]').click();
      await leader.locator('dialog[open]').waitFor();
      await check(leader, 'leader-assign-dialog');
      await leader.keyboard.press('Escape');
      await screen(leader, '#/dieu-hanh', 'leader-dashboard');
      await screen(leader, '#/ra-soat', 'leader-review');

      const supervisor = await signIn('supervisor');
      await screen(supervisor, '#/dieu-hanh', 'supervisor-dashboard');
      await screen(supervisor, '#/ra-soat', 'supervisor-review');
      await screen(supervisor, '#/bao-cao-thang', 'supervisor-monthly');
      await screen(supervisor, '#/tra-cuu', 'supervisor-search');
      await screen(supervisor, '#/quay', 'supervisor-no-access');

      const auditor = await signIn('auditor');
      await screen(auditor, `#/tra-cuu?q=${codes.R}`, 'auditor-search');
      await screen(auditor, `#/ho-so/${codes.R}`, 'auditor-dossier');
      await screen(auditor, `#/kiem-tra/${codes.R}`, 'auditor-replay');

      // the citizen's lookup: the form, a refused answer and a found dossier
      const citizen = await run.anonymousPage();
      await citizen.goto(`${run.base}/tra-cuu`);
      await citizen.locator('#lookup').waitFor();
      await check(citizen, 'citizen-form');
      await citizen.getByRole('button', { name: /Tra cứu/ }).click();
      await citizen.locator('.field-error:not([hidden])').first().waitFor();
      await check(citizen, 'citizen-form-errors');
      await citizen.goto(`${run.base}/tra-cuu?ma=${encodeURIComponent(codes.R)}`);
      await citizen.locator('#verify').fill('5678');
      await citizen.locator('#verify').press('Enter');
      await citizen.locator('#answer .lookup-status').waitFor();
      await check(citizen, 'citizen-answer');
      await citizen.close();

      expect(checked.length).toBeGreaterThanOrEqual(24);
      expect(report(findings)).toBe('');
      expect(rawCodes).toStrictEqual([]);
      expect(run.problems).toStrictEqual([]);
    },
    TIMEOUT,
  );
});
