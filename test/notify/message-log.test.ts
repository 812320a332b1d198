import { BACKENDS } from '../support/backends';
import { startEngine, type StartedEngine } from '../support/engine';
import { insertMessage, listMessages, writeNotifySettings } from '../../src/store/notify-store';
import { pruneMessageLog } from '../../src/jobs/notify-log-prune';

describe.each(BACKENDS)('the message log on $label', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend, '2026-03-03 09:00');
  });
  afterAll(async () => t.drop());

  const entry = (createdAt: string, kind: string) => ({
    createdAt,
    deliveryKey: null,
    dossierId: null,
    dossierCode: 'X-1',
    kind,
    templateVersion: 1,
    channel: 'sms',
    addressMasked: '••••••5678',
    subject: null,
    body: 'Hồ sơ X-1',
    status: 'sent' as const,
    providerAnswer: '200',
    actor: null,
  });

  test('entries older than the configured retention are deleted, newer ones kept', async () => {
    const now = t.clock.now().getTime();
    await insertMessage(t.db, entry(new Date(now - 31 * 86_400_000).toISOString(), 'old'));
    await insertMessage(t.db, entry(new Date(now - 29 * 86_400_000).toISOString(), 'recent'));
    await writeNotifySettings(t.db, { retentionDays: 30 }, t.clock.now().toISOString(), 'admin');
    expect(await pruneMessageLog(t)).toBe(1);
    expect((await listMessages(t.db, { limit: 10 })).map((m) => m.kind)).toEqual(['recent']);
  });

  test('the default retention is a year', async () => {
    await writeNotifySettings(t.db, {}, t.clock.now().toISOString(), 'admin');
    const now = t.clock.now().getTime();
    await insertMessage(t.db, entry(new Date(now - 364 * 86_400_000).toISOString(), 'within'));
    await insertMessage(t.db, entry(new Date(now - 366 * 86_400_000).toISOString(), 'beyond'));
    await pruneMessageLog(t);
    expect((await listMessages(t.db, { limit: 10 })).map((m) => m.kind).sort()).toEqual(['recent', 'within']);
  });
});
