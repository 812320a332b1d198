/**
 * Fuzzing resumable uploads: random lengths (numbers in and out of range, negative, fractional, huge, words),
 * offsets (right, wrong, garbage), chunk sizes (past the end included), Content-Types and metadata, in random
 * order on random uploads. Never a 5xx; every refusal leaves the upload where it stood; the offset the server
 * answers always equals what its parts hold; and since no file here is of an accepted type, nothing is ever stored.
 */
import '../support/fast-check-seed';
import fc from 'fast-check';
import { BACKENDS } from '../support/backends';
import { startServer, type TestServer } from '../support/server';
import { findUploadSession } from '../../src/store/upload-session-store';

const MAX = 50_000;

const lengthHeader = fc.oneof(
  fc.integer({ min: 1, max: 3000 }).map(String),
  fc.integer({ min: -5, max: MAX + 5 }).map(String),
  fc.constantFrom('', ' ', '1e3', '0x10', '12.5', '99999999999999999999', '-0', 'abc', '10, 20'),
);
const offsetHeader = fc.oneof(
  fc.constant('RIGHT'),
  fc.integer({ min: -3, max: 4000 }).map(String),
  fc.constantFrom('', 'x', '1e2', '+5', '00', '9007199254740993'),
);
const contentType = fc.constantFrom('application/offset+octet-stream', 'application/octet-stream', 'application/json', '');
const metadata = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('filename', 'filename ZG9u', 'filename !!!', 'a b c', ',', 'sha256 eHl6', 'k v,k v', 'filename AA=='),
);
const op = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), length: lengthHeader, metadata }),
  fc.record({
    kind: fc.constant('patch' as const),
    which: fc.nat(),
    offset: offsetHeader,
    size: fc.integer({ min: 0, max: 3500 }),
    type: contentType,
    tus: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('head' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), which: fc.nat() }),
);

describe.each(BACKENDS)('fuzzing resumable uploads on $name', (backend) => {
  let s: TestServer;
  let token: string;
  beforeAll(async () => {
    s = await startServer(backend, '2026-03-03 09:00', { MOTCUA_UPLOAD_MAX_FILE_BYTES: String(MAX) });
    token = await s.login('counter');
  });
  afterAll(async () => s.close());

  test('no 5xx; a refusal changes nothing; the offset is what the parts hold; nothing is stored', async () => {
    const blobsBefore = Number((await s.engine.db('blobs').count({ n: '*' }))[0]!.n);
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const uploads: string[] = [];
        for (const o of ops) {
          const base = { Authorization: `Bearer ${token}`, 'Tus-Resumable': '1.0.0' };
          if (o.kind === 'create') {
            const res = await s.http
              .post('/api/uploads/resumable')
              .set({ ...base, 'Upload-Length': o.length, ...(o.metadata === undefined ? {} : { 'Upload-Metadata': o.metadata }) })
              .send();
            expect(res.status).toBeLessThan(500);
            if (res.status === 201) uploads.push(res.headers.location!);
            else expect([400, 413]).toContain(res.status);
            continue;
          }
          const loc = uploads.length ? uploads[o.which % uploads.length]! : '/api/uploads/resumable/' + '0'.repeat(32);
          const id = loc.split('/').pop()!;
          const before = await findUploadSession(s.engine.db, id);
          let status: number;
          if (o.kind === 'patch') {
            const offset = o.offset === 'RIGHT' ? String(before?.received ?? 0) : o.offset;
            // random bytes that no accepted type starts with
            const body = Buffer.alloc(o.size, 0x41 + (o.size % 20));
            status = (
              await s.http
                .patch(loc)
                .set({ ...base, ...(o.tus ? {} : { 'Tus-Resumable': '0.2.2' }), 'Upload-Offset': offset, 'Content-Type': o.type })
                .send(body)
            ).status;
          } else if (o.kind === 'head') status = (await s.http.head(loc).set(base)).status;
          else status = (await s.http.delete(loc).set(base)).status;
          expect(status).toBeLessThan(500);
          const after = await findUploadSession(s.engine.db, id);
          if (status >= 400 && status !== 415) expect(after).toEqual(before);
          if (after) expect(after.parts.reduce((n, p) => n + p.size, 0)).toBe(after.received);
        }
      }),
      { numRuns: 40 },
    );
    expect(Number((await s.engine.db('blobs').count({ n: '*' }))[0]!.n)).toBe(blobsBefore);
  });
});
