/**
 * The upload limits the web UI's file pickers show (issue 14): GET /api/uploads/limits answers what
 * POST /api/uploads enforces, from the same configuration (MOTCUA_UPLOAD_TYPES, MOTCUA_UPLOAD_MAX_FILE_BYTES).
 */
import { BACKENDS } from '../support/backends';
import { startServer, type TestServer } from '../support/server';
import { UploadLimitsSchema } from '../../src/services/document-schemas';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(600, 1)]);
const PDF = Buffer.from('%PDF-1.4\n% limits\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('the upload limits follow the configuration', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });
  async function limitsOf(env: Record<string, string>) {
    const s = await startServer(BACKENDS[0]!, '2026-03-03 09:00', env);
    servers.push(s);
    const token = await s.login('specialist');
    const res = await s.http.get('/api/uploads/limits').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    return { s, token, limits: UploadLimitsSchema.strict().parse(res.body) };
  }

  test('by default: PDF, JPEG, PNG and XML, with their name endings, up to 256 MiB a file', async () => {
    const { limits } = await limitsOf({});
    expect(limits).toEqual({
      types: [
        { mediaType: 'application/pdf', extensions: ['pdf'] },
        { mediaType: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
        { mediaType: 'image/png', extensions: ['png'] },
        { mediaType: 'application/xml', extensions: ['xml'] },
      ],
      maxFileBytes: 256 * 1024 ** 2,
    });
  });

  test('a centre that takes only PDF and TIFF up to 5 MB is answered so, and the upload refuses what the limits leave out', async () => {
    const { s, token, limits } = await limitsOf({
      MOTCUA_UPLOAD_TYPES: 'application/pdf,image/tiff',
      MOTCUA_UPLOAD_MAX_FILE_BYTES: '5000000',
    });
    expect(limits).toEqual({
      types: [
        { mediaType: 'application/pdf', extensions: ['pdf'] },
        { mediaType: 'image/tiff', extensions: ['tif', 'tiff'] },
      ],
      maxFileBytes: 5_000_000,
    });
    const upload = (bytes: Buffer) => s.http.post('/api/uploads').set('Authorization', `Bearer ${token}`).send(bytes);
    expect((await upload(PDF)).status).toBe(201);
    const png = await upload(PNG);
    expect(png.status).toBe(415);
    expect(png.body.error.details.accepted).toEqual(limits.types.map((t) => t.mediaType));
    const big = await upload(Buffer.concat([PDF, Buffer.alloc(limits.maxFileBytes)]));
    expect(big.status).toBe(413);
    expect(big.body.error.details.limit).toBe(limits.maxFileBytes);
  });

  test('the limits are not told without a login', async () => {
    const s = servers[0]!;
    expect((await s.http.get('/api/uploads/limits')).status).toBe(401);
  });
});
