/**
 * The browser-test harness: Debian's Chromium driven by playwright-core (no browser download),
 * against a real server on an ephemeral port. Without Chromium the suites are skipped with a loud
 * warning, except in CI (CI=true), where they fail.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestServer } from './server';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
export const IN_CI = process.env.CI === 'true';
export const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'e2e');

if (!HAVE_CHROMIUM && !IN_CI) {
  // eslint-disable-next-line no-console -- a skipped suite must be loud
  console.warn(
    `\n${'*'.repeat(78)}\n*** SKIPPED browser tests: chromium not found at ${CHROMIUM} (set CHROMIUM_PATH) ***\n${'*'.repeat(78)}\n`,
  );
}

/** `test` when the browser tests must run, `test.skip` on a developer's machine without Chromium. */
export const browserTest = HAVE_CHROMIUM || IN_CI ? test : test.skip;

export function requireChromium(): void {
  if (!HAVE_CHROMIUM) {
    throw new Error(`Browser tests are required in CI, but Chromium was not found at ${CHROMIUM}. Install chromium or set CHROMIUM_PATH.`);
  }
}

/** Serves the app on 127.0.0.1 at an ephemeral port and launches headless Chromium. */
export async function listenAndLaunch(server: TestServer): Promise<{ http: Server; base: string; browser: Browser }> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const http = server.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => http.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return { http, base, browser };
}

/** Collects a page's script errors and console errors (CSP violations included) into `problems`. */
export function watchForProblems(page: Page, who: string, problems: string[]): void {
  page.on('pageerror', (err) => problems.push(`${who}: page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    // an answered 4xx (e.g. an expected 409) is logged by Chromium as a failed resource: not a bug
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
    const where = msg.location();
    problems.push(`${who}: console: ${text} (at ${page.url()} ${where.url}:${where.lineNumber})`);
  });
}

/**
 * A fresh browser (own sessionStorage) at 1366×768 in Asia/Ho_Chi_Minh, its clock fixed at `now`, signed
 * in as `username` (password "demo") through the login form; every page it opens is watched.
 */
export async function signInPage(
  browser: Browser,
  base: string,
  username: string,
  now: Date,
  problems: string[],
): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    acceptDownloads: true,
  });
  await context.clock.setFixedTime(now);
  context.on('page', (p) => watchForProblems(p, username, problems));
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill('demo');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.locator('#nav').waitFor({ state: 'visible' });
  return { page, context };
}

/** The teardown of listenAndLaunch: the browser, the HTTP listener, then the server's database. */
export async function closeAll(browser: Browser | undefined, http: Server | undefined, server: TestServer | undefined): Promise<void> {
  await browser?.close();
  if (http) await new Promise<void>((resolve) => http.close(() => resolve()));
  await server?.close();
}
