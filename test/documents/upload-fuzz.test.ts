/**
 * Fuzzing the upload route and the events that name files: random bytes under lying Content-Types, known
 * dangerous types (zip, HTML, executables, polyglots that start as one of them), bodies cut off midway, and
 * file names that are huge, full of control characters or path tricks. Never a 5xx; whatever is refused
 * leaves no row, no stored file and no staged file; whatever is accepted is typed by its bytes.
 */
import '../support/fast-check-seed';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { BACKENDS } from '../support/backends';
import { startServer, type TestServer } from '../support/server';
import { detectMediaType, DEFAULT_ACCEPTED_TYPES } from '../../machines/documents/media-type';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const CONTENT_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'application/xml',
  'text/html',
  'application/json',
  'multipart/form-data; boundary=x',
  '',
];
const PREFIXES = [
  Buffer.from('PK\x03\x04'),
  Buffer.from('<!DOCTYPE html><script>alert(1)</script>'),
  Buffer.from('<html><body>'),
  Buffer.from('MZ\x90\x00'),
  Buffer.from('\x7fELF'),
  Buffer.from('GIF89a'),
  Buffer.from('%PDF-1.4\n'),
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  Buffer.from('<?xml version="1.0"?>'),
  Buffer.from('\ufeff<?xml version="1.0"?><!DOCTYPE html><html>'),
  Buffer.alloc(0),
];

describe.each(BACKENDS)('fuzzing uploads on $name', (backend) => {
  let s: TestServer;
  let token: string;
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    s = await startServer(backend, '2026-03-03 09:00', { MOTCUA_UPLOAD_MAX_FILE_BYTES: '20000' });
    token = await s.login('counter');
    server = http.createServer(s.app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await s.close();
  });

  /** exactly these bytes under this Content-Type (a test client would re-encode a Buffer declared as JSON) */
  const rawUpload = (body: Buffer, contentType: string) =>
    new Promise<{ status: number; body: { error: { code: string } } & Record<string, unknown> }>((resolve, reject) => {
      const headers: Record<string, string> = { Authorization: `Bearer ${token}`, 'Content-Length': String(body.length) };
      if (contentType) headers['Content-Type'] = contentType;
      const req = http.request({ host: '127.0.0.1', port, path: '/api/uploads', method: 'POST', headers }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const rows = async () => Number((await s.engine.db('blobs').count({ n: '*' }))[0]!.n);
  const staged = () => (fs.existsSync(s.engine.blobs.stagingDir) ? fs.readdirSync(s.engine.blobs.stagingDir).length : 0);

  test('random bytes behind known prefixes, under lying Content-Types: 201 typed by the bytes, or 4xx storing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PREFIXES),
        fc.uint8Array({ maxLength: 30_000 }),
        fc.constantFrom(...CONTENT_TYPES),
        async (prefix, rest, contentType) => {
          const body = Buffer.concat([prefix, Buffer.from(rest)]);
          const before = await rows();
          const res = await rawUpload(body, contentType);
          expect(res.status).toBeLessThan(500);
          const detected = detectMediaType(body.subarray(0, 512));
          if (body.length > 0 && body.length <= 20_000 && (DEFAULT_ACCEPTED_TYPES as readonly string[]).includes(detected)) {
            expect(res.status).toBe(201);
            expect(res.body).toEqual({ sha256: sha(body), size: body.length, mediaType: detected });
          } else {
            expect([400, 413, 415]).toContain(res.status);
            expect(res.body.error.code).toMatch(/^(VALIDATION_FAILED|PAYLOAD_TOO_LARGE|UNSUPPORTED_MEDIA_TYPE)$/);
            expect(await rows()).toBe(before);
          }
          expect(staged()).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('bodies cut off at any point: nothing stored, nothing staged, the server keeps answering', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 15_000 }), fc.constantFrom(...PREFIXES.slice(6, 10)), async (cut, prefix) => {
        const before = await rows();
        const sock = net.connect(port, '127.0.0.1');
        await new Promise((r) => sock.once('connect', r));
        const body = Buffer.concat([prefix, Buffer.alloc(16_000, 7)]);
        sock.write(`POST /api/uploads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Length: ${body.length}\r\n\r\n`);
        sock.write(body.subarray(0, Math.min(cut, body.length - 1)));
        await new Promise((r) => setTimeout(r, 20));
        sock.destroy();
        for (let i = 0; i < 40 && staged() > 0; i += 1) await new Promise((r) => setTimeout(r, 25));
        expect(staged()).toBe(0);
        expect(await rows()).toBe(before);
      }),
      { numRuns: 15 },
    );
    expect((await s.http.get('/health')).status).toBe(200);
  });

  test('file names: huge, control characters, path tricks — refused with 400 naming the field, or kept only as a name', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% names\n%%EOF\n');
    expect((await s.http.post('/api/uploads').set('Authorization', `Bearer ${token}`).send(pdf)).status).toBe(201);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ minLength: 256, maxLength: 5000 }),
          fc.string({ maxLength: 40 }).map((x) => `${x}\u0000\n\r${x}`),
          fc.constantFrom(
            '../../etc/passwd',
            '..\\..\\windows\\system32',
            '/dev/null',
            'CON',
            '  ',
            'a/b/c.pdf',
            '%2e%2e%2fx.pdf',
            'Đơn đề nghị (bản gốc).pdf',
          ),
          fc.string({ minLength: 1, maxLength: 255 }),
        ),
        async (name) => {
          const res = await s.http
            .post('/api/dossiers')
            .set('Authorization', `Bearer ${token}`)
            .send({
              procedureCode: '1.001612',
              channel: 'counter',
              applicant: { fullName: 'Trần Thị Mai', idNumber: '001190000321', phone: '0900000321', address: 'Hà Nội' },
              documents: [{ name: 'Giấy đề nghị', copies: 1 }],
              attachments: [{ component: 0, sha256: sha(pdf), name }],
            });
          expect(res.status).toBeLessThan(500);
          if (res.status === 201) {
            // kept as the name only: the stored file is still the one under its hash
            const file = await s.http.get(`/api/dossiers/${res.body.code}/documents/d1/file`).set('Authorization', `Bearer ${token}`);
            expect(file.status).toBe(200);
            expect(file.headers['content-disposition']).not.toMatch(/[\r\n]/);
          } else {
            expect(res.status).toBe(400);
            expect(res.body.error.details.issues[0].field).toMatch(/^attachments\.0\.name$|^\(body\)$|name/);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
