/**
 * End to end (issue 14): a large scan over a connection that drops, in headless Chromium at 1366×768 on SQLite
 * with the local file store. The counter clerk picks a 3 MB scan; the page sends it resumably (tus, 1 MB chunks).
 * The first chunk's connection is cut after 300 000 bytes reached the server (the test forwards that much itself,
 * then drops the connection, and the browser sees a connection reset). Without the clerk doing anything the page
 * says it is reconnecting, asks the server how much arrived (HEAD), sends the rest from exactly there, and the
 * row shows the file uploaded; the stored file has the scan's SHA-256.
 *
 * Then the page is reloaded in the middle of an upload (every chunk after the first is cut, as on a line that is
 * down): the clerk picks the same file again and the page continues the same upload from the offset the server
 * holds (HEAD, then PATCH from there; no new upload, nothing sent again from 0), because it remembered the upload's
 * URL under the file's fingerprint in localStorage; it forgets it once the file is stored.
 *
 * Screenshots go to test-artifacts/e2e/resumable-*.png.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { browserRun, browserTest } from '../support/browser';

const TIMEOUT = 240_000;
const SCAN = (() => {
  const head = Buffer.from('%PDF-1.7\n% ban quet giay de nghi\n');
  const body = Buffer.alloc(3 * 1024 * 1024 - head.length);
  for (let i = 0; i < body.length; i += 1) body[i] = (i * 13) & 0xff;
  return Buffer.concat([head, body]);
})();
const KEPT = 300_000;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('a large scan resumes by itself after the connection drops', () => {
  const run = browserRun({ screenshots: 'resumable-', fullPage: false, start: '2026-03-03 09:00' });

  /** Sends a request's headers and only its first `n` body bytes to the server, waits until they are staged, then drops the connection. */
  async function sendPartly(url: string, method: string, headers: Record<string, string>, body: Buffer, n: number): Promise<void> {
    const stagingDir = run.server.engine.blobs.stagingDir;
    const staged = () =>
      fs.existsSync(stagingDir) ? fs.readdirSync(stagingDir).reduce((s, f) => s + fs.statSync(path.join(stagingDir, f)).size, 0) : 0;
    const req = http.request(url, { method, headers: { ...headers, 'content-length': String(body.length) } });
    req.on('error', () => undefined); // the drop is the point
    req.write(body.subarray(0, n));
    for (let i = 0; i < 200 && staged() < n; i += 1) await new Promise((r) => setTimeout(r, 50));
    req.destroy();
  }

  browserTest(
    'the clerk picks a 3 MB scan; the first chunk’s connection drops midway; the page resumes from the server’s offset and the file arrives whole',
    async () => {
      const clerk = await run.signIn('counter');
      await clerk.locator('#procedure').fill('1.001612');
      await clerk.locator('#procedure').press('Tab');
      const rows = clerk.locator('table.checklist tbody tr');
      await rows.first().waitFor();

      // what the page sends, and the first PATCH cut after KEPT bytes reached the server
      const sent: string[] = [];
      let cut = false;
      await clerk.route('**/api/uploads/resumable**', async (route) => {
        const req = route.request();
        const offset = (await req.allHeaders())['upload-offset'];
        sent.push(`${req.method()}${offset === undefined ? '' : ` ${offset}`}`);
        if (req.method() !== 'PATCH' || cut) return route.continue();
        cut = true;
        const headers = await req.allHeaders();
        await sendPartly(
          req.url(),
          'PATCH',
          Object.fromEntries(Object.entries(headers).filter(([k]) => !k.startsWith(':') && k !== 'content-length')),
          req.postDataBuffer()!,
          KEPT,
        );
        await route.abort('connectionreset');
      });
      // every status the row shows on the way
      await clerk.evaluate(`(() => {
        const seen = (window.statusSeen = []);
        new MutationObserver(() => {
          for (const s of document.querySelectorAll('.upload-status')) if (seen.at(-1) !== s.textContent) seen.push(s.textContent);
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      })()`);

      await clerk.locator('#scan-0').setInputFiles({ name: 'Giấy đề nghị (bản quét).pdf', mimeType: 'application/pdf', buffer: SCAN });
      await rows.nth(0).locator('.upload-item.uploaded').waitFor({ timeout: 120_000 });
      await run.shot(clerk, '01-uploaded-after-drop');

      // created once; the cut chunk; HEAD for the offset; the rest from exactly what the server kept; the result
      expect(sent.slice(0, 4)).toEqual(['POST', 'PATCH 0', 'HEAD', `PATCH ${KEPT}`]);
      expect(sent.filter((x) => x === 'POST')).toHaveLength(1);
      expect(sent.at(-1)).toBe('GET');
      expect(await clerk.evaluate<string[]>('window.statusSeen')).toContain('Mất kết nối, đang tự tải tiếp…');
      expect(await rows.nth(0).locator('.upload-status.ok').textContent()).toContain('PDF');
      // stored whole, under the scan's hash
      const stored = await run.server.engine.blobs.stat(sha(SCAN));
      expect(stored).toEqual({ size: SCAN.length });
      expect((await run.server.engine.db('blobs').where({ sha256: sha(SCAN) })).length).toBe(1);
      // the one failed request is the cut chunk (Chromium reports it twice: as a failed request and on the console)
      expect(run.problems).toStrictEqual([
        expect.stringMatching(/^counter: request failed: PATCH .*\/api\/uploads\/resumable\/[0-9a-f]{32}: net::ERR_CONNECTION_RESET$/),
        expect.stringMatching(
          /^counter: console: Failed to load resource: net::ERR_CONNECTION_RESET .*\/api\/uploads\/resumable\/[0-9a-f]{32}:0\)$/,
        ),
      ]);
    },
    TIMEOUT,
  );

  browserTest(
    'the page is reloaded while the line is down; the clerk picks the same scan again and the upload goes on from the server’s offset, not from 0',
    async () => {
      run.problems.splice(0); // the first test's cut chunk, already checked there
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-resume-'));
      const file = path.join(dir, 'Tờ khai (bản quét).pdf');
      const bytes = Buffer.from(SCAN);
      bytes.write('% to khai', 9); // other bytes than the first test's scan
      fs.writeFileSync(file, bytes);
      const db = run.server.engine.db;
      const earlier: string[] = (await db('upload_sessions').select('id')).map((r: { id: string }) => r.id);
      const sessions = () => db('upload_sessions').whereNotIn('id', earlier).select('id', 'received_bytes', 'state');

      const clerk = await run.signIn('counter');
      /** the uploads the page remembers to resume */
      const remembered = () => clerk.evaluate<string[]>("Object.keys(localStorage).filter((k) => k.startsWith('motcua.resumable.'))");
      const openReceipt = async () => {
        await clerk.locator('#procedure').fill('1.001612');
        await clerk.locator('#procedure').press('Tab');
        await clerk.locator('table.checklist tbody tr').first().waitFor();
      };
      await openReceipt();
      // the line goes down after the first chunk: every later chunk's connection is reset
      let cut = 0;
      await clerk.route('**/api/uploads/resumable/**', async (route) => {
        const offset = (await route.request().allHeaders())['upload-offset'];
        if (route.request().method() === 'PATCH' && offset !== '0') {
          cut += 1;
          return route.abort('connectionreset');
        }
        return route.continue();
      });
      await clerk.locator('#scan-0').setInputFiles(file);
      for (let i = 0; i < 600 && !(cut > 0 && Number((await sessions())[0]?.received_bytes ?? 0) > 0); i += 1)
        await new Promise((r) => setTimeout(r, 100));
      const before = await sessions();
      expect(before).toHaveLength(1);
      const kept = Number(before[0]!.received_bytes);
      expect(kept).toBe(1024 * 1024);
      expect(before[0]!.state).toBe('receiving');
      expect(await remembered()).toHaveLength(1);

      // the clerk reloads the page and picks the same file again
      await clerk.unroute('**/api/uploads/resumable/**');
      await clerk.reload();
      await clerk.locator('#nav').waitFor({ state: 'visible' });
      const sent: string[] = [];
      await clerk.route('**/api/uploads/resumable**', async (route) => {
        const offset = (await route.request().allHeaders())['upload-offset'];
        sent.push(`${route.request().method()}${offset === undefined ? '' : ` ${offset}`}`);
        return route.continue();
      });
      await openReceipt();
      await clerk.locator('#scan-0').setInputFiles(file);
      const row = clerk.locator('table.checklist tbody tr').nth(0);
      await row.locator('.upload-item.uploaded').waitFor({ timeout: 120_000 });
      await run.shot(clerk, '02-resumed-after-reload');

      // the same upload, from the server's offset: HEAD, then the rest from `kept`; nothing created, nothing from 0
      expect(sent.slice(0, 2)).toEqual(['HEAD', `PATCH ${kept}`]);
      expect(sent.filter((x) => x === 'POST' || x === 'PATCH 0')).toEqual([]);
      const after = await sessions();
      expect(after.map((r: { id: string }) => r.id)).toEqual([before[0]!.id]);
      expect(after[0]!.state).toBe('complete');
      expect(await run.server.engine.blobs.stat(sha(bytes))).toEqual({ size: bytes.length });
      // stored: nothing left to resume
      expect(await remembered()).toEqual([]);
      // the only failures are the chunks cut while the line was down
      expect(
        run.problems.filter((p) => !(p.includes('ERR_CONNECTION_RESET') && /\/api\/uploads\/resumable\/[0-9a-f]{32}/.test(p))),
      ).toEqual([]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
    TIMEOUT,
  );
});
