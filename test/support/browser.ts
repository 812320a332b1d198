/**
 * The browser-test harness: Debian's Chromium driven by playwright-core (no browser download),
 * against a real server on an ephemeral port. Without Chromium the suites are skipped with a loud
 * warning, except in CI (CI=true), where they fail.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { Command, Submission } from '../../machines/engine/commands';
import { DeadlineSweeper } from '../../src/jobs/deadline-sweeper';
import { ApiClient } from './api-client';
import { BACKENDS, type Backend } from './backends';
import { ACTORS, hanoi, submission } from './engine';
import { startServer, type TestServer } from './server';

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

/**
 * `test` when the browser tests must run (it fails at once in CI without Chromium), `test.skip` on a developer's
 * machine without Chromium.
 */
export const browserTest: (name: string, fn: () => Promise<unknown>, timeout?: number) => void =
  HAVE_CHROMIUM || IN_CI
    ? (name, fn, timeout) =>
        test(
          name,
          async () => {
            requireChromium();
            await fn();
          },
          timeout,
        )
    : test.skip;

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

/**
 * Collects a page's script errors, console errors (CSP violations and 5xx answers included) and requests that got
 * no answer into `problems`. A request aborted by the page itself (a navigation, a download) is not a problem.
 */
export function watchForProblems(page: Page, who: string, problems: string[]): void {
  page.on('pageerror', (err) => problems.push(`${who}: page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    const why = req.failure()?.errorText ?? '';
    if (why === 'net::ERR_ABORTED') return;
    problems.push(`${who}: request failed: ${req.method()} ${req.url()}: ${why}`);
  });
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    // an answered 4xx (e.g. an expected 409) is logged by Chromium as a failed resource: not a bug
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
    const where = msg.location();
    problems.push(`${who}: console: ${text} (at ${page.url()} ${where.url}:${where.lineNumber})`);
  });
}

/** The teardown of listenAndLaunch: the browser, the HTTP listener, then the server's database. */
export async function closeAll(browser: Browser | undefined, http: Server | undefined, server: TestServer | undefined): Promise<void> {
  await browser?.close();
  if (http) await new Promise<void>((resolve) => http.close(() => resolve()));
  await server?.close();
}

// ---- one browser run per suite ----------------------------------------------------------------

export interface BrowserRunOptions {
  /** the database (default: SQLite) */
  backend?: Backend;
  /** the server's clock when it starts, Hanoi local "YYYY-MM-DD HH:MM" */
  start?: string;
  /** server configuration beyond the defaults (startServer's `env`) */
  env?: Record<string, string>;
  /** what the database holds before the tests (engine or API calls), run once the server and the browser are up */
  seed?: (run: BrowserRun) => Promise<void>;
  /** the server's clock after seeding, Hanoi local: where each signed-in browser's clock starts */
  now?: string;
  /** how screenshots are named under test-artifacts/e2e/: a prefix ("search-") or a function of the shot's name */
  screenshots?: string | ((name: string) => string);
  /** whole-page screenshots (default true) */
  fullPage?: boolean;
  /** for starting and for closing (beforeAll, afterAll); default 180 s */
  timeout?: number;
}

/**
 * One suite's browser run: a real server on a fresh database (SQLite unless `backend` says otherwise) with the
 * demo users, listening on 127.0.0.1 at an ephemeral port, and headless Chromium. Every page it opens is watched
 * (`watchForProblems`): each test ends by expecting `problems` to be empty. `browserRun()` creates it inside a
 * describe, starts it before the suite's tests and closes it (browser, listener, database) after them; without
 * Chromium outside CI it does not start, and `browserTest` skips.
 */
export class BrowserRun {
  /** script errors, console errors, CSP violations and failed requests seen by any page */
  readonly problems: string[] = [];
  /** every signed-in browser, whose clock `at()` moves with the server's */
  readonly contexts: BrowserContext[] = [];
  /** the listener's address, e.g. http://127.0.0.1:40123 */
  base = '';
  private up?: { server: TestServer; http: Server; browser: Browser; api: ApiClient };

  constructor(readonly options: BrowserRunOptions = {}) {}

  get server(): TestServer {
    return this.running().server;
  }
  get browser(): Browser {
    return this.running().browser;
  }
  /** the API over the listener the browser uses, for setup and checks (what a test is about goes through the UI) */
  get api(): ApiClient {
    return this.running().api;
  }

  async start(): Promise<void> {
    if (!HAVE_CHROMIUM) return;
    const { backend = BACKENDS[0]!, start, env, seed, now } = this.options;
    const server = await startServer(backend, start, env);
    let launched: Awaited<ReturnType<typeof listenAndLaunch>> | undefined;
    try {
      launched = await listenAndLaunch(server);
      this.up = { ...launched, server, api: new ApiClient(launched.base) };
      this.base = launched.base;
      await seed?.(this);
      if (now) server.engine.at(now);
    } catch (err) {
      this.up = undefined;
      await closeAll(launched?.browser, launched?.http, server);
      throw err;
    }
  }

  async close(): Promise<void> {
    const up = this.up;
    this.up = undefined;
    if (up) await closeAll(up.browser, up.http, up.server);
  }

  // ---- the server's side: time and dossiers --------------------------------------------------

  /** Moves the server's clock and every signed-in browser's clock to a Hanoi local time "YYYY-MM-DD HH:MM". */
  async at(local: string): Promise<void> {
    this.server.engine.at(local);
    await Promise.all(this.contexts.map((c) => c.clock.setFixedTime(new Date(hanoi(local)))));
  }

  /** A dossier submitted through the engine at `at` (Hanoi local) by the counter; its code. */
  async submit(at: string, name: string, channel: Submission['channel'] = 'counter', procedure = '1.001612'): Promise<string> {
    this.server.engine.at(at);
    return (await this.server.engine.engine.submit(submission(procedure, channel, name), ACTORS.counter)).code;
  }

  /** An event through the engine at `at` (Hanoi local), by the specialist unless `actor` says otherwise. */
  async act(at: string, code: string, cmd: Command, actor: { username: string; unit: string } = ACTORS.specialist): Promise<void> {
    this.server.engine.at(at);
    await this.server.engine.engine.act(code, cmd, actor);
  }

  /** The counter forwards the dossier (ASSIGN to itself, COMPLETE_STEP): it waits at the next step. */
  async forward(at: string, code: string): Promise<void> {
    await this.act(at, code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await this.act(at, code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
  }

  /** One pass of the deadline sweeper at the server's clock: the overdue events the job would record. */
  async sweepDeadlines(): Promise<void> {
    const { db, engine, clock } = this.server.engine;
    await new DeadlineSweeper({ db, engine, clock }).sweepOnce();
  }

  /** A request as `username` over HTTP; its body. Anything but a 2xx answer throws, naming the answer. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read loosely; each test asserts their shape
  async call(username: string, method: 'GET' | 'POST' | 'PUT', url: string, body?: object, headers?: Record<string, string>): Promise<any> {
    const res = await this.api.call(method, url, { as: username, body, headers });
    if (res.status >= 300) throw new Error(`${method} ${url} as ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** A dossier event as `username` through the API (POST /api/dossiers/{code}/events at its current version). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as call()
  async event(username: string, code: string, type: string, payload: object = {}): Promise<any> {
    const view = await this.call(username, 'GET', `/api/dossiers/${code}`);
    return this.call(username, 'POST', `/api/dossiers/${code}/events`, { type, ...payload }, { 'If-Match': String(view.version) });
  }

  // ---- the browser's side -----------------------------------------------------------------------

  /**
   * A fresh browser (own sessionStorage) `width` px wide in Asia/Ho_Chi_Minh, its clock at the server's, signed in
   * as `username` (password "demo") through the login form; `beforeSubmit` sees the filled form (a screenshot).
   */
  async signIn(username: string, opts: { width?: number; beforeSubmit?: (page: Page) => Promise<unknown> } = {}): Promise<Page> {
    const context = await this.newContext(username, opts.width);
    this.contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${this.base}/`);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill('demo');
    await opts.beforeSubmit?.(page);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.locator('#nav').waitFor({ state: 'visible' });
    return page;
  }

  /** A page nobody is signed in to (the sign-in form, the citizen's lookup), watched as `who`. */
  async anonymousPage(opts: { width?: number; who?: string } = {}): Promise<Page> {
    const context = await this.newContext(opts.who ?? 'citizen', opts.width);
    this.contexts.push(context);
    return context.newPage();
  }

  /** Saves a screenshot of `target` (a page, or one element) as test-artifacts/e2e/<named by the run>.png. */
  async shot(target: Page | Locator, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
    const file = this.artifact(`${name}.png`);
    if ('mainFrame' in target) await target.screenshot({ path: file, fullPage: opts.fullPage ?? this.options.fullPage ?? true });
    else await target.screenshot({ path: file });
  }

  /** The path of an artifact (a screenshot, a download) under test-artifacts/e2e/, named by the run's `screenshots`. */
  artifact(file: string): string {
    const { screenshots = '' } = this.options;
    const ext = path.extname(file);
    const stem = file.slice(0, file.length - ext.length);
    return path.join(ARTIFACTS, `${typeof screenshots === 'string' ? screenshots + stem : screenshots(stem)}${ext}`);
  }

  private async newContext(who: string, width = 1366): Promise<BrowserContext> {
    const context = await this.browser.newContext({
      viewport: { width, height: width < 500 ? 740 : 768 },
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
      acceptDownloads: true,
    });
    await context.clock.setFixedTime(this.server.engine.clock.now());
    context.on('page', (p) => watchForProblems(p, who, this.problems));
    return context;
  }

  private running(): NonNullable<BrowserRun['up']> {
    if (!this.up) throw new Error('the browser run has not started (no Chromium, or its beforeAll failed)');
    return this.up;
  }
}

/** A BrowserRun for the enclosing describe: started before its tests, closed after them. */
export function browserRun(options: BrowserRunOptions = {}): BrowserRun {
  const run = new BrowserRun(options);
  const timeout = options.timeout ?? 180_000;
  beforeAll(() => run.start(), timeout);
  afterAll(() => run.close(), timeout);
  return run;
}

/** An element's text with its white space collapsed (the first element `selector` matches). */
export const textOf = async (page: Page, selector: string): Promise<string> =>
  ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
