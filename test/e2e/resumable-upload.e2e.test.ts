/**
 * End to end (issue 14): a large scan over a connection that drops, in headless Chromium at 1366×768 on SQLite
 * with the local file store. The counter clerk picks a 3 MB scan; the page sends it resumably (tus, 1 MB chunks).
 * The first chunk's connection is cut after 300 000 bytes reached the server (the test forwards that much itself,
 * then drops the connection, and the browser sees a connection reset). Without the clerk doing anything the page
 * says it is reconnecting, asks the server how much arrived (HEAD), sends the rest from exactly there, and the
 * row shows the file uploaded; the stored file has the scan's SHA-256.
 *
 * Screenshots go to test-artifacts/e2e/resumable-*.png.
 */
import fs from 'node:fs';
import http from 'node:http';
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
});
