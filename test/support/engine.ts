/** A real engine on a real, fresh database (SQLite file or PostgreSQL schema), with time under control. */
import { createEngineContext, type EngineContext } from '../../src/app/engine-factory';
import { ManualClock } from '../../src/engine/clock';
import type { Command, Submission } from '../../machines/engine/commands';
import type { Backend } from './backends';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalBlobStore, type BlobStore } from '../../src/store/blob-store';

export interface TestEngine extends EngineContext {
  clock: ManualClock;
  /** sets the clock to a Hanoi local time "YYYY-MM-DD HH:MM" */
  at(local: string): void;
}

export function hanoi(local: string): string {
  return new Date(`${local.replace(' ', 'T')}:00+07:00`).toISOString();
}

export type StartedEngine = TestEngine & { dbUrl: string; dbSchema?: string; drop(): Promise<void> };

export async function startEngine(
  backend: Backend,
  start = '2026-03-03 09:00',
  extra: {
    poolMax?: number;
    dueSoonThresholdMs?: number;
    apologyLeadMs?: number;
    blobs?: BlobStore;
    maxDossierBytes?: number;
    groupCommit?: boolean;
    sqliteWalAutocheckpoint?: number;
  } = {},
): Promise<StartedEngine> {
  const db = await backend.create();
  const clock = new ManualClock(hanoi(start));
  // each engine its own document store (a PostgreSQL suite has no database directory to put one beside)
  const blobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-blobs-'));
  const blobs = extra.blobs ?? new LocalBlobStore(blobDir);
  const ctx = await createEngineContext({ url: db.url, schema: db.schema, sqliteDriver: db.sqliteDriver, clock, ...extra, blobs });
  return {
    ...ctx,
    clock,
    dbUrl: db.url,
    dbSchema: db.schema,
    at: (local: string) => clock.set(hanoi(local)),
    drop: async () => {
      await ctx.close();
      await db.drop();
      fs.rmSync(blobDir, { recursive: true, force: true });
    },
  };
}

/** The leader's approval of a 1.001612 dossier (its certificate, digitised): the result the audit tests record. */
export const APPROVE: Extract<Command, { type: 'RECORD_RESULT' }> = {
  type: 'RECORD_RESULT',
  documentNumber: '15/GCN-HKD',
  documentDate: '2026-03-05',
  signer: 'Chủ tịch UBND xã',
  digitised: true,
};

export const ACTORS = {
  counter: { username: 'counter', unit: 'TTPVHCC' },
  specialist: { username: 'specialist', unit: 'KINHTE' },
  leader: { username: 'leader', unit: 'LANHDAO' },
};

/** A counter submission as a client posts it to POST /api/dossiers (procedure 1.001612), with any field replaced. */
export function submissionBody(overrides: Record<string, unknown> = {}) {
  return {
    procedureCode: '1.001612',
    channel: 'counter',
    applicant: { fullName: 'Đỗ Văn Hùng', idNumber: '001090012345', phone: '0912345678', address: 'Hoàn Kiếm, Hà Nội' },
    documents: [{ name: 'Giấy đề nghị đăng ký hộ kinh doanh', copies: 1 }],
    ...overrides,
  };
}

export function submission(procedureCode: string, channel: Submission['channel'] = 'counter', name = 'Nguyễn Thị Hoa'): Submission {
  return {
    procedureCode,
    channel,
    applicant: { fullName: name, idNumber: '001190012345', phone: '0912345678', address: 'Phường Hoàn Kiếm, Hà Nội' },
    documents: [{ name: 'Giấy đề nghị', copies: 1 }],
  };
}

/**
 * A 1.001612 dossier taken through one Hanoi working day (`day`, YYYY-MM-DD): received at the counter at 09:00,
 * assigned at 10:00, its two steps completed at 11:00 and 14:00, the leader's APPROVE at 15:00 and, when `returned`,
 * returned at the counter at 16:00 (closed). Its code.
 */
export async function dossierThroughResult(t: TestEngine, day: string, opts: { returned: boolean }): Promise<string> {
  t.at(`${day} 09:00`);
  const { code } = await t.engine.submit(submission('1.001612'), ACTORS.counter);
  t.at(`${day} 10:00`);
  await t.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
  t.at(`${day} 11:00`);
  await t.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
  t.at(`${day} 14:00`);
  await t.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.specialist);
  t.at(`${day} 15:00`);
  await t.engine.act(code, APPROVE, ACTORS.leader);
  if (opts.returned) {
    t.at(`${day} 16:00`);
    await t.engine.act(code, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
  }
  return code;
}
