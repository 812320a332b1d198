/**
 * End to end (issue 14): the specialist opens a dossier's attached files in the browser, in headless Chromium
 * at 1366×768 on SQLite with the local file store. The file route serves PDF, JPEG and PNG inline (with nosniff)
 * and anything else as an attachment; the dossier page offers "Xem" exactly for the inline ones.
 *
 *  1. The scan of the application (PDF) opens in a new tab in the browser's PDF viewer: nothing is downloaded.
 *  2. The scanned contract (PNG) opens in a new tab as the picture itself.
 *  3. The signed XML working document has no "Xem", only "Tải về".
 *  4. Each view is recorded for the auditor like a download.
 *  5. A document whose file is not in the store (a history generated without its files): "Tải về" and the viewer
 *     say so in words (FILE_NOT_STORED), not "not found".
 *
 * Screenshots go to test-artifacts/e2e/viewer-*.png.
 */
import zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { browserRun, browserTest } from '../support/browser';

const TIMEOUT = 240_000;

/** a one-page PDF the viewer can render */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** a real 240×120 PNG (a grey gradient), so the browser decodes it */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rows[y * (width + 1) + 1 + x] = Math.floor((x / width) * 255);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const PNG = png(240, 120);
const XML = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><VanBan><SoHieu>12/BB</SoHieu></VanBan>\n');

describe('viewing a dossier’s files in the browser', () => {
  let code = '';
  const run = browserRun({
    screenshots: 'viewer-',
    fullPage: false,
    start: '2026-03-03 09:00',
    // a dossier at the specialist's step with a PDF and a PNG scan and an XML working document (through the API)
    seed: async (run) => {
      const upload = async (as: string, bytes: Buffer) => (await run.api.call('POST', '/api/uploads', { as, bytes })).body;
      const [pdf, picture, xml] = [await upload('counter', PDF), await upload('counter', PNG), await upload('specialist', XML)];
      ({ code } = await run.call('counter', 'POST', '/api/dossiers', {
        procedureCode: '1.001612',
        channel: 'counter',
        applicant: { fullName: 'Nguyễn Thị Hoa', idNumber: '001190012345', phone: '0912345678', address: 'Số 5 phố Hàng Bạc, Hà Nội' },
        documents: [{ name: 'Giấy đề nghị đăng ký hộ kinh doanh', copies: 1 }],
        attachments: [
          { component: 0, sha256: pdf.sha256, name: 'Giấy đề nghị.pdf' },
          { component: 1, sha256: picture.sha256, name: 'Biên bản họp.png' },
        ],
      }));
      await run.forward('2026-03-03 09:00', code);
      await run.event('specialist', code, 'ATTACH_DOCUMENT', { kind: 'working', sha256: xml.sha256, name: 'Biên bản xác minh.xml' });
    },
  });

  browserTest(
    'a specialist views the PDF and PNG scans inline in a new tab; the XML document is only downloaded',
    async () => {
      const base = run.base;
      const documents = await run.call('specialist', 'GET', `/api/dossiers/${code}/documents`);
      expect(documents.map((d: { versions: { inline: boolean }[] }) => d.versions[0]!.inline)).toEqual([true, true, false]);

      const page = await run.signIn('specialist');
      const context = page.context();
      const downloads: string[] = [];
      context.on('page', (p) => p.on('download', (d) => downloads.push(d.suggestedFilename())));
      page.on('download', (d) => downloads.push(d.suggestedFilename()));
      await page.goto(`${base}/#/ho-so/${encodeURIComponent(code)}`);
      const panel = page.locator('#docs-panel');
      await panel.locator('.docs-table').waitFor();
      await panel.locator('[data-view="d1@1"]').scrollIntoViewIfNeeded();
      await run.shot(page, '01-dossier-documents');

      // 1. the PDF: a new tab, the file's name over the browser's PDF viewer, nothing saved
      const [pdfTab] = await Promise.all([context.waitForEvent('page'), panel.locator('[data-view="d1@1"]').click()]);
      await pdfTab.locator('#viewer-frame').waitFor();
      expect(await pdfTab.locator('#viewer-name').textContent()).toBe('Giấy đề nghị.pdf');
      expect(await pdfTab.title()).toBe(`Giấy đề nghị.pdf — hồ sơ ${code}`);
      expect(await pdfTab.evaluate<unknown>('window.opener')).toBeNull();
      const pdfFrame = pdfTab.frames().find((f) => f.url().startsWith('blob:'));
      expect(await pdfFrame?.evaluate<string>('document.contentType')).toBe('application/pdf');
      await pdfTab.waitForTimeout(1000); // the viewer draws the page after load
      await run.shot(pdfTab, '02-pdf-tab');
      await pdfTab.close();

      // 2. the PNG: the picture itself, decoded
      const [pngTab] = await Promise.all([context.waitForEvent('page'), panel.locator('[data-view="d2@1"]').click()]);
      const image = pngTab.locator('#viewer-image');
      await image.waitFor();
      await pngTab.waitForFunction("document.getElementById('viewer-image')?.complete === true");
      expect(await pngTab.evaluate<number[]>("(i => [i.naturalWidth, i.naturalHeight])(document.getElementById('viewer-image'))")).toEqual([
        240, 120,
      ]);
      expect(await pngTab.locator('#viewer-download').getAttribute('download')).toBe('Biên bản họp.png');
      await run.shot(pngTab, '03-png-tab');
      await pngTab.close();

      // 3. the XML: downloaded only
      const xmlItem = panel.locator('[data-document-id="d3"]');
      await xmlItem.getByRole('button', { name: /^Tải về/ }).waitFor();
      expect(await xmlItem.locator('[data-view]').count()).toBe(0);
      expect(downloads).toEqual([]);

      // 4. each view is recorded like a download
      const views = await run.call('auditor', 'GET', `/api/audit/record-views?dossier=${encodeURIComponent(code)}`);
      const whatWasOpened = (views.items as { username: string; source: string }[])
        .filter((v) => v.username === 'specialist')
        .map((v) => v.source)
        .filter((w) => w.startsWith('document:'));
      expect(whatWasOpened.sort()).toEqual(['document:d1@1', 'document:d2@1']);

      // 5. files gone from the store: the dossier still lists them; opening one says why it cannot be had
      const NOT_STORED = 'Tài liệu có trong hồ sơ nhưng tệp của nó không có trong kho lưu trữ, nên không mở hoặc tải về được';
      for (const bytes of [XML, PNG]) await run.server.engine.blobs.delete(createHash('sha256').update(bytes).digest('hex'));
      await xmlItem.getByRole('button', { name: /^Tải về/ }).click();
      await xmlItem.locator('.download [role=status]', { hasText: 'kho lưu trữ' }).waitFor();
      expect(await xmlItem.locator('.download [role=status]').textContent()).toBe(NOT_STORED);
      const [goneTab] = await Promise.all([context.waitForEvent('page'), panel.locator('[data-view="d2@1"]').click()]);
      await goneTab.locator('#viewer-status', { hasText: 'kho lưu trữ' }).waitFor();
      expect(await goneTab.locator('#viewer-status').textContent()).toBe(NOT_STORED);
      await goneTab.close();
      expect(downloads).toEqual([]);

      expect(run.problems).toStrictEqual([]);
    },
    TIMEOUT,
  );
});
