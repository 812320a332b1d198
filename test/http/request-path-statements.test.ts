/**
 * What one transition through the API sends to the database outside the engine's transaction (issue 16): the
 * session lookup on every request (so a revoked session, a changed role or a disabled account holds at the next
 * request on every instance), the account an ASSIGN or a signed command names, the names the view shows — each
 * written once in the store and sent straight to the driver, none built by Knex's query builder per request.
 */
import { BACKENDS, SQLITE_BETTER } from '../support/backends';
import { submissionBody } from '../support/engine';
import { serverForSuite } from '../support/server';

interface Query {
  sql: string;
  /** set on every statement Knex's builder or raw() ran */
  __knexQueryUid?: string;
  /** set on Knex's statements inside a transaction */
  __knexTxId?: string;
}

const STEPS: [string, Record<string, unknown>][] = [
  ['counter', { type: 'ASSIGN', assignee: 'counter' }],
  ['counter', { type: 'COMPLETE_STEP' }],
  ['specialist', { type: 'COMPLETE_STEP' }],
  ['leader', { type: 'RECORD_RESULT', documentNumber: '15/GCN-HKD', documentDate: '2026-03-05', signer: 'leader', digitised: true }],
  ['counter', { type: 'RETURN_RESULT', method: 'counter' }],
];

describe.each([...BACKENDS, SQLITE_BETTER])('the request path on $label', (backend) => {
  const s = serverForSuite(backend, { signIn: ['counter', 'specialist', 'leader'] });

  /** One whole lifecycle through the API (6 requests); the statements it sent. */
  async function lifecycle(): Promise<Query[]> {
    const seen: Query[] = [];
    const record = (q: Query) => void seen.push(q);
    s.engine.db.on('query', record);
    try {
      const created = await s.as('counter').post('/api/dossiers').send(submissionBody());
      expect(created.status).toBe(201);
      let version = created.body.version as number;
      for (const [who, event] of STEPS) {
        const res = await s
          .as(who)
          .post(`/api/dossiers/${encodeURIComponent(created.body.code)}/events`)
          .set('If-Match', `"${version}"`)
          .send(event);
        expect(res.status).toBe(200);
        version = res.body.version;
      }
      return seen;
    } finally {
      s.engine.db.removeListener('query', record);
    }
  }

  test('every request reads its session once, and no read outside the transaction is built by Knex per request', async () => {
    await lifecycle(); // the first fills the process's caches of reference data (procedure and calendar versions)
    const seen = await lifecycle();
    expect(seen.filter((q) => /\bFROM\s+"?sessions"?/i.test(q.sql))).toHaveLength(1 + STEPS.length);
    const builtOutsideTx = seen.filter((q) => q.__knexQueryUid && !q.__knexTxId).map((q) => q.sql);
    expect(builtOutsideTx).toEqual([]);
  });
});
