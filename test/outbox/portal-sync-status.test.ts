/**
 * The national portal sync backlog the supervisor's dashboard flags: an event the portal has not acknowledged
 * for more than 10 minutes (Decree 63/2024) makes GET /api/integration/portal-sync answer late: true.
 */
import { BACKENDS } from '../support/backends';
import { serverForSuite } from '../support/server';
import { ACTORS, submission } from '../support/engine';
import { upsertSubscriber } from '../../src/store/outbox-store';
import { portalPendingMetric } from '../../src/services/integration-service';

describe.each(BACKENDS)('portal sync backlog on $label', (backend) => {
  const s = serverForSuite(backend);

  test('late once the oldest unacknowledged record is older than 10 minutes; supervisors see it, counter clerks do not', async () => {
    const supervisor = await s.login('supervisor');
    const get = async () => (await s.http.get('/api/integration/portal-sync').set('Authorization', `Bearer ${supervisor}`)).body;
    expect(await get()).toMatchObject({ configured: false, pending: 0, late: false, oldestPendingSeconds: null, targetSeconds: 600 });
    await upsertSubscriber(s.engine.db, {
      id: 'portal',
      kind: 'portal',
      name: 'Cổng DVCQG',
      config: {},
      active: true,
      eventTypes: ['*'],
      createdAt: s.engine.clock.now().toISOString(),
      createdBy: 'system',
    });
    await s.engine.engine.submit(submission('1.001612'), ACTORS.counter);
    s.engine.clock.advance(600_000);
    expect(await get()).toMatchObject({ configured: true, pending: 2, late: false, oldestPendingSeconds: 600 });
    s.engine.clock.advance(1_000);
    const late = await get();
    expect(late).toMatchObject({ pending: 2, late: true, oldestPendingSeconds: 601 });
    expect(portalPendingMetric(late)).toMatch(/^motcua_portal_sync_oldest_pending_seconds 601$/m);
    const counter = await s.login('counter');
    expect((await s.http.get('/api/integration/portal-sync').set('Authorization', `Bearer ${counter}`)).status).toBe(403);
  });
});
