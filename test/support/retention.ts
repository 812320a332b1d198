/**
 * Dossiers whose files the retention job may delete (test/documents/retention*.test.ts): the demo procedure with
 * a retention rule, and closed dossiers whose signed result is a given file.
 */
import { createHash } from 'node:crypto';
import { ACTORS, submission } from './engine';
import type { TestServer } from './server';

export const RETENTION_PROC = '1.001612';
export const PDF = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);
export const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

let applicants = 0;

/** A dossier of RETENTION_PROC whose signed result is `file` (uploaded by the leader); returned (closed) unless `open`. */
export async function dossierWithResult(s: TestServer, leader: string, file: Buffer, opts: { open?: boolean } = {}): Promise<string> {
  const uploaded = await s.http.post('/api/uploads').set(bearer(leader)).send(file);
  if (uploaded.status !== 201) throw new Error(`upload: ${uploaded.status} ${JSON.stringify(uploaded.body)}`);
  applicants += 1;
  const base = submission(RETENTION_PROC);
  const { code } = await s.engine.engine.submit(
    { ...base, applicant: { ...base.applicant, phone: `0913${String(applicants).padStart(6, '0')}` } },
    ACTORS.counter,
  );
  await s.engine.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
  await s.engine.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
  await s.engine.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.specialist);
  const version = (await s.engine.engine.get(code)).version;
  const recorded = await s.http
    .post(`/api/dossiers/${code}/events`)
    .set(bearer(leader))
    .set('If-Match', String(version))
    .send({
      type: 'RECORD_RESULT',
      documentNumber: `${applicants}/GCN-HKD`,
      documentDate: '2026-03-03',
      signer: 'leader',
      document: { sha256: sha(file), name: 'Giấy chứng nhận.pdf', form: 'electronic_original' },
    });
  if (recorded.status !== 200) throw new Error(`RECORD_RESULT: ${recorded.status} ${JSON.stringify(recorded.body)}`);
  if (!opts.open) await s.engine.engine.act(code, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
  return code;
}

/** Publishes a new version of RETENTION_PROC whose files are kept `years` after closing (the admin's PUT); answers the response. */
export async function publishRetention(s: TestServer, admin: string, retention: Record<string, unknown>) {
  const current = await s.http.get(`/api/procedures/${RETENTION_PROC}`).set(bearer(admin));
  return s.http
    .put(`/api/procedures/${RETENTION_PROC}`)
    .set(bearer(admin))
    .send({ ...current.body, version: undefined, retention });
}
