/**
 * Every route × every role × own unit / other unit, against the written policy (docs/access-policy.md).
 * The expected answer of each cell is computed from the policy's groups below — who reads which
 * dossiers, who administers, who reviews — never from what the code answers. Allowed cells send a
 * request that must succeed; refused cells must get exactly 401 or 403 (404 for the public lookup
 * without its second factor) and change nothing in the database. Which event *types* each role may
 * send is test/http/authorization-matrix.test.ts; here each role sends the event of its own work.
 * A second office (VHXH) gets its leader through the admin API, beside the seeded specialist_vhxh.
 */
import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { ACTORS, submission } from '../support/engine';
import { BACKENDS } from '../support/backends';
import { startServer, type TestServer } from '../support/server';
import { PUBLIC_LOOKUP_FIELDS } from '../support/lookup-scenario';
import { changedTables, digestTables, documentedRoutes, routeName, tableNames } from '../support/fuzz';
import { createApp } from '../../src/http/app';
import type { SettableClock } from '../../src/engine/clock';
import { AuthService } from '../../src/services/auth/auth-service';
import { CATALOGUE } from '../../machines/procedures';
import { IntegrationService } from '../../src/services/integration-service';
import type { AuthUser } from '../../src/services/auth-user';
import { insertUploadSession } from '../../src/store/upload-session-store';

// --- the written policy ------------------------------------------------------------------------

const WHO = [
  'anonymous',
  'counter',
  'specialist',
  'specialist_vhxh',
  'leader',
  'leader_kinhte',
  'leader_vhxh',
  'supervisor',
  'auditor',
  'admin',
] as const;
type Who = (typeof WHO)[number];
type Scope = 'own' | 'other';

/** the office of the office-bound users; 'own' is their office, 'other' the other one */
const OFFICE: Partial<Record<Who, 'KINHTE' | 'VHXH'>> = {
  specialist: 'KINHTE',
  leader_kinhte: 'KINHTE',
  specialist_vhxh: 'VHXH',
  leader_vhxh: 'VHXH',
};
const SIGNED_IN = (w: Who) => w !== 'anonymous';
const among =
  (...roles: Who[]) =>
  (w: Who) =>
    roles.includes(w);
/** counter, leadership, supervisor, auditor and admin read every dossier; an office reads its own */
const WIDE_READERS = among('counter', 'leader', 'supervisor', 'auditor', 'admin');
const readsDossier = (w: Who, scope: Scope) => WIDE_READERS(w) || (OFFICE[w] !== undefined && scope === 'own');
const ADMIN = among('admin');
const METRICS = among('supervisor', 'leader', 'leader_kinhte', 'leader_vhxh', 'auditor', 'admin');
const REVIEW_WRITERS = among('supervisor', 'leader', 'leader_kinhte', 'leader_vhxh');
/** a leader of an office: unit-spanning lists and reviews are limited to the office */
const OFFICE_BOUND = among('leader_kinhte', 'leader_vhxh');
const ownUnitOnly = (allowed: (w: Who) => boolean) => (w: Who, scope: Scope) => allowed(w) && !(OFFICE_BOUND(w) && scope === 'other');
/** each role's own work on a dossier at an office step: the office (own unit) and the leadership move it */
const movesDossier = (w: Who, scope: Scope) => w === 'counter' || w === 'leader' || (OFFICE[w] !== undefined && scope === 'own');

// --- the routes --------------------------------------------------------------------------------

interface Req {
  method: 'get' | 'post' | 'put' | 'patch';
  path: string;
  body?: object;
  headers?: Record<string, string>;
  /** a fresh token of the user for this request (logout revokes it) */
  freshToken?: boolean;
}

interface Row {
  /** as routeName(): "GET /api/dossiers/{code}" */
  route: string;
  /** does own/other unit matter */
  scoped?: boolean;
  allowed: (w: Who, scope: Scope) => boolean;
  /** the answer to an allowed request; default any 2xx */
  ok?: number;
  /** what a refused anonymous request gets; default 401 */
  refusedAs?: number;
  build: (f: Fixture, w: Who, scope: Scope) => Promise<Req> | Req;
}

interface Fixture {
  s: TestServer;
  /** a dossier at the office step of each unit (reads), with a scanned component d1 attached at the counter */
  at: Record<'KINHTE' | 'VHXH', string>;
  /** a dossier with its result recorded as an electronic original (the applicant's download) */
  withResult: string;
  /** a new dossier at the office step of a unit (writes) */
  fresh(unit: 'KINHTE' | 'VHXH', channel?: 'counter' | 'online'): Promise<string>;
  version(code: string): Promise<number>;
  unique(): number;
  /** a new resumable upload of `length` bytes created by `who`, nothing received yet: its id */
  resumable(who: string, length: number): Promise<string>;
}

/** the unit a cell is about: the user's own office, the other office; for everyone else KINHTE / VHXH */
const unitFor = (w: Who, scope: Scope): 'KINHTE' | 'VHXH' => {
  const own = OFFICE[w] ?? 'KINHTE';
  return scope === 'own' ? own : own === 'KINHTE' ? 'VHXH' : 'KINHTE';
};
const PROCEDURE_OF = { KINHTE: '1.001612', VHXH: '2.000815' } as const;
const household = CATALOGUE.find((p) => p.code === '1.001612')!;
/** who may upload a file: the counter, the offices' specialists and every leader (docs/access-policy.md) */
const UPLOADERS = among('counter', 'specialist', 'specialist_vhxh', 'leader', 'leader_kinhte', 'leader_vhxh');
const pdf = (n: number) => Buffer.from(`%PDF-1.4\n% matrix ${n}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const ROWS: Row[] = [
  // public
  { route: 'GET /health', allowed: () => true, build: () => ({ method: 'get', path: '/health' }) },
  { route: 'GET /ready', allowed: () => true, build: () => ({ method: 'get', path: '/ready' }) },
  { route: 'GET /metrics', allowed: () => true, build: () => ({ method: 'get', path: '/metrics' }) },
  {
    route: 'POST /api/auth/login',
    allowed: () => true,
    build: () => ({ method: 'post', path: '/api/auth/login', body: { username: 'auditor', password: 'demo' } }),
  },
  {
    route: 'GET /api/public/dossiers/{code}',
    scoped: true,
    allowed: () => true,
    build: (f, w, scope) => ({
      method: 'get',
      path: `/api/public/dossiers/${f.at[unitFor(w, scope)]}?verify=5678`,
      headers: { 'x-forwarded-for': `198.51.100.${f.unique() % 250}` },
    }),
  },
  // about oneself
  { route: 'POST /api/auth/logout', allowed: SIGNED_IN, build: () => ({ method: 'post', path: '/api/auth/logout', freshToken: true }) },
  { route: 'GET /api/auth/me', allowed: SIGNED_IN, build: () => ({ method: 'get', path: '/api/auth/me' }) },
  // reaching the check of the old password is what "allowed" means here: nobody's password changes
  {
    route: 'POST /api/auth/password',
    allowed: SIGNED_IN,
    ok: 400,
    build: () => ({
      method: 'post',
      path: '/api/auth/password',
      body: { oldPassword: 'not-the-password', newPassword: 'another-password-1' },
    }),
  },
  // reference data
  { route: 'GET /api/procedures', allowed: SIGNED_IN, build: () => ({ method: 'get', path: '/api/procedures' }) },
  { route: 'GET /api/procedures/{code}', allowed: SIGNED_IN, build: () => ({ method: 'get', path: '/api/procedures/1.001612' }) },
  { route: 'GET /api/calendar/{year}', allowed: SIGNED_IN, build: () => ({ method: 'get', path: '/api/calendar/2026' }) },
  {
    route: 'GET /api/calendar/next-working-day',
    allowed: SIGNED_IN,
    build: () => ({ method: 'get', path: '/api/calendar/next-working-day?after=2026-03-06' }),
  },
  { route: 'GET /api/vocabulary', allowed: () => true, build: () => ({ method: 'get', path: '/api/vocabulary' }) },
  { route: 'GET /api/machines', allowed: SIGNED_IN, build: () => ({ method: 'get', path: '/api/machines' }) },
  // administration
  {
    route: 'POST /api/procedures',
    allowed: ADMIN,
    build: (f) => ({ method: 'post', path: '/api/procedures', body: { ...household, code: `9.${String(f.unique()).padStart(6, '0')}` } }),
  },
  {
    route: 'PUT /api/procedures/{code}',
    allowed: ADMIN,
    build: () => ({ method: 'put', path: '/api/procedures/1.001612', body: household }),
  },
  {
    route: 'PUT /api/calendar/{year}',
    allowed: ADMIN,
    build: () => ({
      method: 'put',
      path: '/api/calendar/2027',
      body: { daysOff: [{ date: '2027-01-01', name: 'Tết Dương lịch' }], makeUpWorkingDays: [], verified: true },
    }),
  },
  {
    route: 'POST /api/users',
    allowed: ADMIN,
    build: (f) => ({
      method: 'post',
      path: '/api/users',
      body: {
        username: `user.${f.unique()}`,
        fullName: 'Người mới',
        title: 'Chuyên viên Phòng Kinh tế',
        password: 'long-password-1',
        roles: ['specialist'],
        unit: 'KINHTE',
      },
    }),
  },
  { route: 'GET /api/users', allowed: ADMIN, build: () => ({ method: 'get', path: '/api/users' }) },
  {
    route: 'PATCH /api/users/{username}',
    allowed: ADMIN,
    build: () => ({ method: 'patch', path: '/api/users/specialist', body: { title: 'Chuyên viên Phòng Kinh tế' } }),
  },
  { route: 'POST /api/admin/sweep', allowed: ADMIN, build: () => ({ method: 'post', path: '/api/admin/sweep' }) },
  { route: 'GET /api/admin/notifications', allowed: ADMIN, build: () => ({ method: 'get', path: '/api/admin/notifications' }) },
  {
    route: 'PUT /api/admin/notifications/settings',
    allowed: ADMIN,
    build: () => ({ method: 'put', path: '/api/admin/notifications/settings', body: { senderName: 'UBND xã Tân Phú' } }),
  },
  {
    route: 'PUT /api/admin/notifications/channels/{kind}',
    allowed: ADMIN,
    build: () => ({
      method: 'put',
      path: '/api/admin/notifications/channels/sms',
      body: { active: false, config: { url: 'http://127.0.0.1:9/sms', apiKey: 'k', sender: 'UBND' } },
    }),
  },
  {
    route: 'POST /api/admin/notifications/test',
    allowed: ADMIN,
    build: () => ({ method: 'post', path: '/api/admin/notifications/test', body: { channel: 'zalo', to: '0912345678' } }),
  },
  {
    route: 'GET /api/admin/notifications/messages',
    allowed: ADMIN,
    build: () => ({ method: 'get', path: '/api/admin/notifications/messages?limit=5' }),
  },
  { route: 'POST /api/audit/checkpoints', allowed: ADMIN, build: () => ({ method: 'post', path: '/api/audit/checkpoints' }) },
  {
    route: 'PUT /api/test/clock',
    allowed: ADMIN,
    build: () => ({ method: 'put', path: '/api/test/clock', body: { now: '2026-03-03T02:00:00Z' } }),
  },
  // dossiers
  {
    route: 'POST /api/dossiers',
    allowed: among('counter'),
    build: () => ({ method: 'post', path: '/api/dossiers', body: submission('1.001612') }),
  },
  { route: 'GET /api/dossiers', allowed: SIGNED_IN, build: () => ({ method: 'get', path: '/api/dossiers?limit=5' }) },
  {
    route: 'GET /api/dossiers/{code}',
    scoped: true,
    allowed: readsDossier,
    build: (f, w, scope) => ({ method: 'get', path: `/api/dossiers/${f.at[unitFor(w, scope)]}` }),
  },
  {
    route: 'GET /api/dossiers/{code}/events',
    scoped: true,
    allowed: readsDossier,
    build: (f, w, scope) => ({ method: 'get', path: `/api/dossiers/${f.at[unitFor(w, scope)]}/events` }),
  },
  {
    route: 'GET /api/dossiers/{code}/forms/{form}',
    scoped: true,
    allowed: readsDossier,
    build: (f, w, scope) => ({ method: 'get', path: `/api/dossiers/${f.at[unitFor(w, scope)]}/forms/receipt` }),
  },
  {
    route: 'GET /api/dossiers/{code}/signers',
    scoped: true,
    allowed: readsDossier,
    build: (f, w, scope) => ({ method: 'get', path: `/api/dossiers/${f.at[unitFor(w, scope)]}/signers` }),
  },
  {
    route: 'GET /api/dossiers/{code}/assignees',
    scoped: true,
    allowed: readsDossier,
    build: (f, w, scope) => ({ method: 'get', path: `/api/dossiers/${f.at[unitFor(w, scope)]}/assignees` }),
  },
  {
    route: 'GET /api/dossiers/{code}/replay',
    scoped: true,
    allowed: readsDossier,
    build: (f, w, scope) => ({ method: 'get', path: `/api/dossiers/${f.at[unitFor(w, scope)]}/replay` }),
  },
  {
    route: 'POST /api/dossiers/{code}/events',
    scoped: true,
    allowed: movesDossier,
    build: async (f, w, scope) => {
      const unit = unitFor(w, scope);
      if (w === 'counter') {
        const code = await f.fresh(unit, 'online');
        return {
          method: 'post',
          path: `/api/dossiers/${code}/events`,
          body: { type: 'RECEIVE' },
          headers: { 'if-match': String(await f.version(code)) },
        };
      }
      const code = await f.fresh(unit);
      const body =
        w === 'leader' || w === 'leader_kinhte' || w === 'leader_vhxh'
          ? { type: 'PAUSE', reason: 'verification' }
          : { type: 'COMPLETE_STEP' };
      return { method: 'post', path: `/api/dossiers/${code}/events`, body, headers: { 'if-match': String(await f.version(code)) } };
    },
  },
  // documents (issue 14)
  {
    route: 'GET /api/uploads/limits',
    allowed: SIGNED_IN,
    build: () => ({ method: 'get', path: '/api/uploads/limits' }),
  },
  {
    route: 'POST /api/uploads',
    allowed: UPLOADERS,
    build: (f) => ({ method: 'post', path: '/api/uploads', body: pdf(f.unique()), headers: { 'content-type': 'application/pdf' } }),
  },
  {
    route: 'POST /api/uploads/resumable',
    allowed: UPLOADERS,
    build: () => ({ method: 'post', path: '/api/uploads/resumable', headers: { 'tus-resumable': '1.0.0', 'upload-length': '1000' } }),
  },
  // a resumable upload is its creator's (another uploader gets 404: test/documents/resumable-upload.test.ts); the others' is the counter's
  {
    route: 'PATCH /api/uploads/resumable/{id}',
    allowed: UPLOADERS,
    build: async (f, w) => {
      const bytes = pdf(f.unique());
      return {
        method: 'patch',
        path: `/api/uploads/resumable/${await f.resumable(UPLOADERS(w) ? w : 'counter', bytes.length)}`,
        body: bytes,
        headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      };
    },
  },
  {
    route: 'GET /api/uploads/resumable/{id}',
    allowed: UPLOADERS,
    build: async (f, w) => ({
      method: 'get',
      path: `/api/uploads/resumable/${await f.resumable(UPLOADERS(w) ? w : 'counter', 1000)}`,
      headers: { 'tus-resumable': '1.0.0' },
    }),
  },
  {
    route: 'GET /api/dossiers/{code}/documents',
    scoped: true,
    allowed: readsDossier,
    build: (f, w, scope) => ({ method: 'get', path: `/api/dossiers/${f.at[unitFor(w, scope)]}/documents` }),
  },
  {
    route: 'GET /api/dossiers/{code}/documents/reusable',
    scoped: true,
    allowed: readsDossier,
    build: (f, w, scope) => ({ method: 'get', path: `/api/dossiers/${f.at[unitFor(w, scope)]}/documents/reusable` }),
  },
  {
    route: 'GET /api/dossiers/{code}/documents/{documentId}/file',
    scoped: true,
    allowed: readsDossier,
    build: (f, w, scope) => ({ method: 'get', path: `/api/dossiers/${f.at[unitFor(w, scope)]}/documents/d1/file` }),
  },
  // the applicant's electronic result: anyone with the second factor; the lookup's throttle is per address
  {
    route: 'GET /api/public/dossiers/{code}/result-document',
    allowed: () => true,
    build: (f) => ({
      method: 'get',
      path: `/api/public/dossiers/${f.withResult}/result-document?verify=5678`,
      headers: { 'x-forwarded-for': `198.51.101.${f.unique() % 250}` },
    }),
  },
  // audit
  {
    route: 'GET /api/dossiers/{code}/verify',
    allowed: among('auditor', 'supervisor', 'admin'),
    build: (f) => ({ method: 'get', path: `/api/dossiers/${f.at.KINHTE}/verify` }),
  },
  {
    route: 'GET /api/dossiers/{code}/export',
    allowed: among('auditor'),
    build: (f) => ({ method: 'get', path: `/api/dossiers/${f.at.KINHTE}/export` }),
  },
  { route: 'GET /api/audit/verify', allowed: among('auditor', 'admin'), build: () => ({ method: 'get', path: '/api/audit/verify' }) },
  {
    route: 'GET /api/audit/checkpoints',
    allowed: among('auditor', 'admin'),
    build: () => ({ method: 'get', path: '/api/audit/checkpoints' }),
  },
  {
    route: 'GET /api/audit/record-views',
    allowed: among('auditor', 'admin'),
    build: () => ({ method: 'get', path: '/api/audit/record-views' }),
  },
  // integration (docs/integration.md)
  { route: 'GET /api/feed', allowed: among('auditor', 'admin'), build: () => ({ method: 'get', path: '/api/feed?limit=5' }) },
  {
    route: 'POST /api/admin/webhooks',
    allowed: ADMIN,
    build: () => ({ method: 'post', path: '/api/admin/webhooks', body: { name: 'LGSP', url: 'http://127.0.0.1:9/hook' } }),
  },
  { route: 'GET /api/admin/webhooks', allowed: ADMIN, build: () => ({ method: 'get', path: '/api/admin/webhooks' }) },
  {
    route: 'POST /api/admin/webhooks/{id}/deactivate',
    allowed: ADMIN,
    build: async (f) => {
      const hook = await new IntegrationService(f.s.engine).createWebhook(
        { name: 'to stop', url: 'http://127.0.0.1:9/hook', eventTypes: ['*'] },
        { username: 'admin', roles: ['admin'] } as unknown as AuthUser,
      );
      return { method: 'post', path: `/api/admin/webhooks/${hook.id}/deactivate` };
    },
  },
  {
    route: 'GET /api/integration/portal-sync',
    allowed: among('supervisor', 'leader', 'leader_kinhte', 'leader_vhxh', 'auditor', 'admin'),
    build: () => ({ method: 'get', path: '/api/integration/portal-sync' }),
  },
  { route: 'GET /api/admin/outbox', allowed: ADMIN, build: () => ({ method: 'get', path: '/api/admin/outbox' }) },
  { route: 'GET /api/admin/outbox/dead-letters', allowed: ADMIN, build: () => ({ method: 'get', path: '/api/admin/outbox/dead-letters' }) },
  // no dead letter exists here: the admin's answer is 404, everyone else's the refusal (test/outbox/webhooks.test.ts acts on real ones)
  {
    route: 'POST /api/admin/outbox/deliveries/{id}/retry',
    allowed: ADMIN,
    ok: 404,
    build: () => ({ method: 'post', path: '/api/admin/outbox/deliveries/987654/retry', body: {} }),
  },
  {
    route: 'POST /api/admin/outbox/deliveries/{id}/discard',
    allowed: ADMIN,
    ok: 404,
    build: () => ({ method: 'post', path: '/api/admin/outbox/deliveries/987654/discard', body: {} }),
  },
  // metrics and reports
  {
    route: 'GET /api/metrics/compliance',
    allowed: METRICS,
    build: () => ({ method: 'get', path: '/api/metrics/compliance?from=2026-03-01&to=2026-04-01' }),
  },
  {
    route: 'GET /api/metrics/digitisation',
    allowed: METRICS,
    build: () => ({ method: 'get', path: '/api/metrics/digitisation?from=2026-03-01&to=2026-04-01&groupBy=unit' }),
  },
  { route: 'GET /api/metrics/definitions', allowed: METRICS, build: () => ({ method: 'get', path: '/api/metrics/definitions' }) },
  {
    route: 'GET /api/metrics/apology-missing',
    scoped: true,
    allowed: ownUnitOnly(METRICS),
    build: (_f, w, scope) => ({ method: 'get', path: `/api/metrics/apology-missing?unit=${unitFor(w, scope)}` }),
  },
  {
    route: 'GET /api/reports/weekly-late-review',
    scoped: true,
    allowed: ownUnitOnly(METRICS),
    build: (_f, w, scope) => ({ method: 'get', path: `/api/reports/weekly-late-review?week=2026-W10&unit=${unitFor(w, scope)}` }),
  },
  { route: 'GET /api/reports/monthly', allowed: METRICS, build: () => ({ method: 'get', path: '/api/reports/monthly?month=2026-03' }) },
  {
    route: 'GET /api/reports/monthly/status',
    allowed: METRICS,
    build: () => ({ method: 'get', path: '/api/reports/monthly/status?month=2026-03' }),
  },
  {
    route: 'GET /api/reports/weekly-late-review/sign-offs',
    scoped: true,
    allowed: ownUnitOnly(METRICS),
    build: (_f, w, scope) => ({
      method: 'get',
      path: `/api/reports/weekly-late-review/sign-offs?from=2026-W01&to=2026-W10&unit=${unitFor(w, scope)}`,
    }),
  },
  {
    route: 'POST /api/reports/monthly/sent',
    allowed: REVIEW_WRITERS,
    // every marking gets a month of its own: a month is marked sent once
    build: (f) => {
      const u = f.unique();
      return {
        method: 'post',
        path: '/api/reports/monthly/sent',
        body: { month: `${2000 + Math.floor(u / 12)}-${String((u % 12) + 1).padStart(2, '0')}` },
      };
    },
  },
  {
    route: 'POST /api/reports/weekly-late-review/notes',
    scoped: true,
    allowed: ownUnitOnly(REVIEW_WRITERS),
    build: (f, w, scope) => {
      const unit = unitFor(w, scope);
      return {
        method: 'post',
        path: '/api/reports/weekly-late-review/notes',
        body: { week: '2026-W10', unit, dossierCode: f.at[unit], cause: 'chờ xác minh', correctiveAction: 'đôn đốc' },
      };
    },
  },
  {
    route: 'POST /api/reports/weekly-late-review/sign-off',
    scoped: true,
    allowed: ownUnitOnly(REVIEW_WRITERS),
    // every signing gets a week of its own: a week is signed once
    build: (f, w, scope) => ({
      method: 'post',
      path: '/api/reports/weekly-late-review/sign-off',
      body: { week: `2025-W${String((f.unique() % 50) + 1).padStart(2, '0')}`, unit: unitFor(w, scope) },
    }),
  },
];

/** Pages outside the API reference: everyone. */
const PAGES = ['/', '/tra-cuu', '/ui/app.js', '/api/openapi.json', '/api/docs'];

// --- the run -----------------------------------------------------------------------------------

describe.each(BACKENDS)('the route access matrix on $name', (backend) => {
  let s: TestServer;
  let http: ReturnType<typeof request>;
  let f: Fixture;
  let tables: string[];
  const token = new Map<Who, string>();

  beforeAll(async () => {
    s = await startServer(backend);
    // PUT /api/test/clock needs a settable clock; this one is a stand-in, so time stays put for the other cells
    http = request(
      createApp({ ...s.deps, testClock: { set: () => undefined, now: () => s.engine.clock.now() } as unknown as SettableClock }),
    );
    const admin = await s.login('admin');
    const created = await http
      .post('/api/users')
      .set('Authorization', `Bearer ${admin}`)
      .send({
        username: 'leader_vhxh',
        fullName: 'Đinh Thị Thu',
        title: 'Trưởng phòng Văn hóa - Xã hội',
        password: 'long-password-vhxh',
        roles: ['leader'],
        unit: 'VHXH',
      });
    expect(created.status).toBe(201);
    for (const w of WHO)
      if (w !== 'anonymous')
        token.set(w, w === 'leader_vhxh' ? (await new AuthService(s.engine).login(w, 'long-password-vhxh')).token : await s.login(w));
    let n = 0;
    const e = s.engine.engine;
    const fresh = async (unit: 'KINHTE' | 'VHXH', channel: 'counter' | 'online' = 'counter') => {
      const { code } = await e.submit(submission(PROCEDURE_OF[unit], channel), ACTORS.counter);
      if (channel === 'online') return code;
      await e.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
      await e.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
      return code;
    };
    /** uploads a file as `who` and sends an event naming it, as the web UI does */
    const withFile = async (who: Who, code: string, event: (sha: string) => object) => {
      const bytes = pdf(1000 + ++n);
      const auth = { Authorization: `Bearer ${token.get(who)}` };
      expect((await http.post('/api/uploads').set(auth).set('content-type', 'application/pdf').send(bytes)).status).toBe(201);
      const version = (await e.get(code)).version;
      const res = await http
        .post(`/api/dossiers/${code}/events`)
        .set(auth)
        .set('If-Match', String(version))
        .send(event(sha256(bytes)));
      expect(res.status).toBe(200);
    };
    /** at the office step, with the first required document scanned at the counter at receipt (d1) */
    const withScan = async (unit: 'KINHTE' | 'VHXH') => {
      const { code } = await e.submit(submission(PROCEDURE_OF[unit]), ACTORS.counter);
      await withFile('counter', code, (sha) => ({
        type: 'ATTACH_DOCUMENT',
        kind: 'component',
        component: 0,
        sha256: sha,
        name: 'Tờ khai.pdf',
      }));
      await e.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
      await e.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
      return code;
    };
    const withResult = await withScan('KINHTE');
    await e.act(withResult, { type: 'COMPLETE_STEP' }, { username: 'specialist', unit: 'KINHTE' });
    await withFile('leader_kinhte', withResult, (sha) => ({
      type: 'RECORD_RESULT',
      documentNumber: '9/GCN',
      documentDate: '2026-03-03',
      signer: 'leader_kinhte',
      document: { sha256: sha, name: 'Giấy chứng nhận.pdf', form: 'electronic_original' },
    }));
    f = {
      s,
      at: { KINHTE: await withScan('KINHTE'), VHXH: await withScan('VHXH') },
      withResult,
      fresh,
      version: async (code) => (await e.get(code)).version,
      unique: () => ++n,
      resumable: async (who, length) => {
        const id = randomBytes(16).toString('hex');
        const at = s.engine.clock.now();
        await insertUploadSession(s.engine.db, {
          id,
          createdBy: who,
          length,
          metadata: {},
          at: at.toISOString(),
          expiresAt: new Date(at.getTime() + 86_400_000).toISOString(),
        });
        return id;
      },
    };
    tables = (await tableNames(s.engine.db)).filter((t) => t !== 'rate_limits');
  });
  afterAll(async () => s?.close());

  async function send(w: Who, req: Req) {
    let t = w === 'anonymous' ? undefined : token.get(w);
    if (req.freshToken && w !== 'anonymous')
      t = (await new AuthService(s.engine).login(w, w === 'leader_vhxh' ? 'long-password-vhxh' : 'demo')).token;
    let r = http[req.method](req.path);
    if (t) r = r.set('Authorization', `Bearer ${t}`);
    for (const [k, v] of Object.entries(req.headers ?? {})) r = r.set(k, v);
    return req.body ? r.send(req.body) : r;
  }

  test('every route of the API reference has a row in the policy, and no row is stale', () => {
    expect(ROWS.map((r) => r.route).sort()).toEqual(documentedRoutes().map(routeName).sort());
  });

  test.each(ROWS.map((r) => [r.route, r] as const))(
    '%s answers every role and unit as the policy says; a refusal changes nothing',
    async (_name, row) => {
      const mismatches: string[] = [];
      for (const w of WHO) {
        for (const scope of row.scoped ? (['own', 'other'] as const) : (['own'] as const)) {
          const req = await row.build(f, w, scope);
          const before = await digestTables(s.engine.db, tables);
          const res = await send(w, req);
          const allowed = row.allowed(w, scope);
          const expected = allowed ? (row.ok ?? '2xx') : w === 'anonymous' ? (row.refusedAs ?? 401) : 403;
          const got = allowed && row.ok === undefined && res.status >= 200 && res.status < 300 ? '2xx' : res.status;
          if (got !== expected)
            mismatches.push(`${w} (${scope} unit): expected ${expected}, got ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
          if (!allowed) {
            const changed = changedTables(before, await digestTables(s.engine.db, tables));
            if (changed.length) mismatches.push(`${w} (${scope} unit): refused but changed ${changed.join(', ')}`);
          }
        }
      }
      expect(mismatches).toEqual([]);
    },
  );

  test('the pages outside the API reference are open to everyone', async () => {
    for (const path of PAGES) expect({ path, status: (await http.get(path)).status }).toEqual({ path, status: 200 });
  });

  test('an office lists only its own dossiers; the other office’s dossier is not in its list', async () => {
    for (const [w, own, other] of [
      ['specialist', 'KINHTE', 'VHXH'],
      ['specialist_vhxh', 'VHXH', 'KINHTE'],
      ['leader_kinhte', 'KINHTE', 'VHXH'],
    ] as const) {
      const res = await send(w, { method: 'get', path: '/api/dossiers?limit=100' });
      const codes = (res.body.items as { code: string }[]).map((i) => i.code);
      expect({ w, own: codes.includes(f.at[own]), other: codes.includes(f.at[other]) }).toEqual({ w, own: true, other: false });
      // asking for the other unit by filter does not widen the scope
      const filtered = await send(w, { method: 'get', path: `/api/dossiers?unit=${other}&limit=100` });
      expect({ w, leaked: (filtered.body.items as { code: string }[]).map((i) => i.code).filter((c) => c === f.at[other]) }).toEqual({
        w,
        leaked: [],
      });
    }
  });

  test('a specialist of one office can neither read nor move another office’s dossier', async () => {
    const code = await f.fresh('VHXH');
    const version = await f.version(code);
    for (const req of [
      { method: 'get', path: `/api/dossiers/${code}` },
      { method: 'get', path: `/api/dossiers/${code}/events` },
      { method: 'get', path: `/api/dossiers/${code}/forms/receipt` },
      { method: 'get', path: `/api/dossiers/${code}/replay` },
      { method: 'post', path: `/api/dossiers/${code}/events`, body: { type: 'COMPLETE_STEP' }, headers: { 'if-match': String(version) } },
      {
        method: 'post',
        path: `/api/dossiers/${code}/events`,
        body: { type: 'REQUEST_SUPPLEMENT', missing: ['x'], reason: 'y' },
        headers: { 'if-match': String(version) },
      },
    ] as Req[]) {
      const res = await send('specialist', req);
      expect({ path: `${req.method} ${req.path}`, status: res.status }).toEqual({ path: `${req.method} ${req.path}`, status: 403 });
      expect(JSON.stringify(res.body)).not.toContain('Nguyễn Thị Hoa');
    }
    expect(await f.version(code)).toBe(version);
    // the office that holds it can
    expect(
      (
        await send('specialist_vhxh', {
          method: 'post',
          path: `/api/dossiers/${code}/events`,
          body: { type: 'COMPLETE_STEP' },
          headers: { 'if-match': String(version) },
        })
      ).status,
    ).toBe(200);
  });

  test('the auditor reads everything but is refused every route that writes', async () => {
    const writes = documentedRoutes().filter((r) => r.method !== 'get' && !r.path.startsWith('/api/auth/'));
    expect(writes.length).toBeGreaterThanOrEqual(11);
    const bodies: Record<string, object> = Object.fromEntries(ROWS.map((r) => [r.route, r]));
    for (const r of writes) {
      const row = bodies[routeName(r)] as Row;
      const req = await row.build(f, 'admin', 'own');
      const before = await digestTables(s.engine.db, tables);
      const res = await send('auditor', req);
      expect({ route: routeName(r), status: res.status }).toEqual({ route: routeName(r), status: 403 });
      expect({ route: routeName(r), changed: changedTables(before, await digestTables(s.engine.db, tables)) }).toEqual({
        route: routeName(r),
        changed: [],
      });
    }
    // every read of a dossier, an audit trail, a metric or a report, in every unit
    const reads = documentedRoutes().filter((x) => x.method === 'get' && !x.public && /dossiers|audit|metrics|reports/.test(x.path));
    expect(reads.length).toBeGreaterThanOrEqual(15);
    for (const r of reads) {
      const row = bodies[routeName(r)] as Row;
      const res = await send('auditor', await row.build(f, 'auditor', 'other'));
      expect({ route: routeName(r), status: res.status }).toEqual({ route: routeName(r), status: 200 });
    }
  });

  test('the public lookup reveals nothing without the second factor, to anyone', async () => {
    const code = f.at.KINHTE;
    const ip = () => ({ 'x-forwarded-for': `192.0.2.${f.unique() % 250}` });
    const none = await send('anonymous', { method: 'get', path: `/api/public/dossiers/${code}`, headers: ip() });
    const wrong = await send('anonymous', { method: 'get', path: `/api/public/dossiers/${code}?verify=0000`, headers: ip() });
    const unknown = await send('anonymous', {
      method: 'get',
      path: '/api/public/dossiers/000.00.12.H29-260303-9999?verify=5678',
      headers: ip(),
    });
    const staff = await send('admin', { method: 'get', path: `/api/public/dossiers/${code}`, headers: ip() });
    for (const res of [none, wrong, unknown, staff]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual(none.body);
      expect(JSON.stringify(res.body)).not.toMatch(/Nguyễn|0912345678|001190012345|received|KINHTE/);
    }
    const right = await send('anonymous', { method: 'get', path: `/api/public/dossiers/${code}?verify=5678`, headers: ip() });
    expect(right.status).toBe(200);
    // the status, the clock and what the citizen must do; never the applicant's name, numbers or address
    expect(Object.keys(right.body).sort()).toEqual(PUBLIC_LOOKUP_FIELDS);
  });
});
