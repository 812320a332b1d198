/**
 * Demo data for MOTCUA_DEMO=1 on an empty database: the demo users (password "demo") and a handful of
 * dossiers in different states, created through the engine's own write path so they have real
 * events, hash chains and due dates.
 */
import type { EngineContext } from '../../src/app/engine-factory';
import type { Submission } from '../../machines/engine/commands';
import { seedDemoUsers } from './demo-users';

const PEOPLE = [
  ['Nguyễn Văn An', '001085004321', '0912000111'],
  ['Trần Thị Bình', '001190007654', '0987000222'],
  ['Lê Minh Châu', '036095001122', '0905000333'],
  ['Phạm Thu Dung', '001200009988', '0934000444'],
] as const;

function sub(procedureCode: string, i: number, channel: Submission['channel'] = 'counter'): Submission {
  const [fullName, idNumber, phone] = PEOPLE[i % PEOPLE.length]!;
  return {
    procedureCode,
    channel,
    applicant: { fullName, idNumber, phone, address: 'Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội' },
    documents: [{ name: 'Tờ khai theo mẫu', copies: 1 }],
  };
}

export async function seedDemo(ctx: EngineContext): Promise<{ dossiers: number }> {
  await seedDemoUsers(ctx.db, ctx.clock.now().toISOString());
  const existing = await ctx.db('dossiers').count({ n: '*' }).first();
  if (Number(existing?.n ?? 0) > 0) return { dossiers: 0 };
  const counter = { username: 'counter', unit: 'TTPVHCC' };
  const leader = { username: 'leader', unit: 'LANHDAO' };
  const specialistVhxh = { username: 'specialist_vhxh', unit: 'VHXH' };
  const specialist = { username: 'specialist', unit: 'KINHTE' };
  const e = ctx.engine;

  await e.submit(sub('1.001612', 0), counter); // received, waiting to be dispatched
  await e.submit(sub('1.013978', 1, 'online'), counter); // online, waiting for a clerk
  const inOffice = await e.submit(sub('1.001612', 2), counter);
  await e.act(inOffice.code, { type: 'ASSIGN', assignee: 'counter' }, counter);
  await e.act(inOffice.code, { type: 'COMPLETE_STEP' }, counter);
  await e.act(inOffice.code, { type: 'ASSIGN', assignee: 'specialist' }, leader);
  const done = await e.submit(sub('1.001612', 3), counter);
  await e.act(done.code, { type: 'ASSIGN', assignee: 'counter' }, counter);
  await e.act(done.code, { type: 'COMPLETE_STEP' }, counter);
  await e.act(done.code, { type: 'COMPLETE_STEP' }, specialist);
  const today = ctx.clock.now().toISOString().slice(0, 10);
  await e.act(
    done.code,
    { type: 'RECORD_RESULT', documentNumber: '01/GCN-HKD', documentDate: today, signer: 'Trưởng phòng Kinh tế', digitised: true },
    leader,
  );
  // every demo account with an inbox finds work in it on first login: a birth registration waits for the
  // civil-status officer (specialist_vhxh, VHXH) and another for the commune leader's signature (leader, LANHDAO)
  const atVhxh = await e.submit(sub('1.001193', 1), counter);
  await e.act(atVhxh.code, { type: 'ASSIGN', assignee: 'counter' }, counter);
  await e.act(atVhxh.code, { type: 'COMPLETE_STEP' }, counter);
  const toSign = await e.submit(sub('1.001193', 2), counter);
  await e.act(toSign.code, { type: 'ASSIGN', assignee: 'counter' }, counter);
  await e.act(toSign.code, { type: 'COMPLETE_STEP' }, counter);
  await e.act(toSign.code, { type: 'COMPLETE_STEP' }, specialistVhxh);
  return { dossiers: 6 };
}
