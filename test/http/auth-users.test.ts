/**
 * Staff accounts over real HTTP, on SQLite and PostgreSQL: only admins create and list them, each
 * bad field is named, passwords are stored as salted scrypt hashes and never returned, and the
 * demo accounts are seeded once and detectable.
 */
import { BACKENDS } from '../support/backends';
import { startServer, type TestServer } from '../support/server';
import { UserListSchema, UserSchema } from '../../src/http/routes/users';
import { DEMO_PASSWORD, DEMO_USERS, hasDemoPasswords, seedDemoUsers } from '../../db/seeds/demo-users';

describe.each(BACKENDS)('staff accounts ($name)', (backend) => {
  let server: TestServer;
  let admin: string;
  let ipSeq = 0;

  const create = (body: Record<string, unknown>, token = admin) =>
    server.http.post('/api/users').set('Authorization', `Bearer ${token}`).send(body);
  const valid = (username: string) => ({
    username,
    fullName: 'Bùi Thị Ngọc',
    title: 'Chuyên viên Phòng Văn hóa - Xã hội',
    password: 'mat-khau-123',
    roles: ['specialist'],
    unit: 'VHXH',
  });
  const signIn = (username: string, password: string) =>
    server.http.post('/api/auth/login').set('X-Forwarded-For', `192.0.2.${++ipSeq}`).send({ username, password });

  beforeAll(async () => {
    server = await startServer(backend);
    admin = await server.login('admin');
  });
  afterAll(async () => {
    await server.close();
  });

  test('an admin creates an account that can sign in at once; no answer ever carries a password or hash', async () => {
    const res = await create(valid('ngoc.bt'));
    expect(res.status).toBe(201);
    expect(UserSchema.strict().parse(res.body)).toMatchObject({
      username: 'ngoc.bt',
      roles: ['specialist'],
      unit: 'VHXH',
      active: true,
      demo: false,
    });

    const login = await signIn('ngoc.bt', 'mat-khau-123');
    expect(login.status).toBe(200);
    expect(login.body.user).toStrictEqual({
      username: 'ngoc.bt',
      fullName: 'Bùi Thị Ngọc',
      title: 'Chuyên viên Phòng Văn hóa - Xã hội',
      roles: ['specialist'],
      unit: 'VHXH',
      // the screens a specialist is offered (src/services/screens.ts)
      screens: ['inbox', 'search'],
    });

    const list = await server.http.get('/api/users').set('Authorization', `Bearer ${admin}`);
    expect(list.status).toBe(200);
    const users = UserListSchema.parse(list.body).users;
    expect(users.map((u) => u.username)).toEqual(expect.arrayContaining(['admin', 'counter', 'ngoc.bt']));
    for (const text of [JSON.stringify(res.body), JSON.stringify(list.body)]) {
      expect(text).not.toMatch(/scrypt|mat-khau-123|password_?hash/i);
    }
  });

  test('the stored password is a salted scrypt hash, never the password itself', async () => {
    expect((await create(valid('same.pw.one'))).status).toBe(201);
    expect((await create(valid('same.pw.two'))).status).toBe(201);
    const rows = await server.engine.db('users').whereIn('username', ['same.pw.one', 'same.pw.two']).orderBy('username');
    for (const row of rows) {
      expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]{86}$/);
      expect(row.password_hash).not.toContain('mat-khau-123');
    }
    expect(rows[0].password_hash).not.toBe(rows[1].password_hash);
  });

  test.each([
    ['username', { username: 'Ab' }],
    ['username', { username: 'has space' }],
    ['fullName', { fullName: '   ' }],
    ['password', { password: 'short' }],
    ['roles', { roles: [] }],
    ['roles.0', { roles: ['mayor'] }],
    ['roles', { roles: ['leader', 'leader'] }],
    ['unit', { unit: 'NOWHERE' }],
  ])('a bad %s is 400 naming that field', async (field, patch) => {
    const res = await create({ ...valid('bad.field'), ...patch });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.issues.map((i: { field: string }) => i.field)).toContain(field);
  });

  test('unknown fields are refused rather than ignored', async () => {
    const res = await create({ ...valid('extra.field'), active: false });
    expect(res.status).toBe(400);
  });

  test('the auditor role cannot be combined with another (400 naming roles); an account holding it anyway only reads', async () => {
    const combined = await create({ ...valid('kiemtra.kep'), roles: ['auditor', 'counter'], unit: 'TTPVHCC' });
    expect(combined.status).toBe(400);
    expect(combined.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(['roles']);
    expect((await create({ ...valid('kiemtra.don'), roles: ['auditor'], unit: 'TTPVHCC' })).status).toBe(201);
    // an account from before the rule, written straight into the database
    await server.engine
      .db('users')
      .where({ username: 'kiemtra.don' })
      .update({ roles: JSON.stringify(['auditor', 'counter']) });
    const token = (await signIn('kiemtra.don', 'mat-khau-123')).body.token as string;
    const submit = await server.http
      .post('/api/dossiers')
      .set('Authorization', `Bearer ${token}`)
      .send({
        procedureCode: '1.001612',
        channel: 'counter',
        applicant: { fullName: 'A', idNumber: '001090012345', phone: '0912345678', address: 'Hà Nội' },
        documents: [{ name: 'Giấy đề nghị', copies: 1 }],
      });
    const { code, version } = (
      await server.http
        .post('/api/dossiers')
        .set('Authorization', `Bearer ${await server.login('counter')}`)
        .send({
          procedureCode: '1.001612',
          channel: 'counter',
          applicant: { fullName: 'A', idNumber: '001090012345', phone: '0912345678', address: 'Hà Nội' },
          documents: [{ name: 'Giấy đề nghị', copies: 1 }],
        })
    ).body;
    const assign = await server.http
      .post(`/api/dossiers/${code}/events`)
      .set('Authorization', `Bearer ${token}`)
      .set('If-Match', `"${version}"`)
      .send({ type: 'ASSIGN', assignee: 'counter' });
    expect({ submit: submit.status, assign: assign.status }).toEqual({ submit: 403, assign: 403 });
  });

  test('a username that is taken is 400 on "username": already exists', async () => {
    const res = await create(valid('counter'));
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toStrictEqual([{ field: 'username', code: 'already_exists', reason: 'already exists' }]);
  });

  test('only admins manage accounts: anyone else gets 403 naming the admin role', async () => {
    const counter = await server.login('counter');
    const post = await create(valid('not.allowed'), counter);
    expect(post.status).toBe(403);
    expect(post.body.error).toMatchObject({ code: 'FORBIDDEN', details: { requiredRoles: ['admin'] } });
    expect(post.body.error.message).toContain('admin');
    expect((await server.http.get('/api/users').set('Authorization', `Bearer ${counter}`)).status).toBe(403);
    expect(await server.engine.db('users').where({ username: 'not.allowed' }).first()).toBeUndefined();
  });

  test('the demo accounts exist once each, with their roles and units, and seeding again changes nothing', async () => {
    const before = await server.engine.db('users').where({ demo: true }).orderBy('username');
    expect(before.map((r) => r.username).sort()).toStrictEqual(DEMO_USERS.map((u) => u.username).sort());
    const leader = before.find((r) => r.username === 'leader');
    expect(JSON.parse(leader.roles)).toStrictEqual(['leader']);
    expect(leader.unit).toBe('LANHDAO');
    await seedDemoUsers(server.engine.db, server.engine.clock.now().toISOString());
    const after = await server.engine.db('users').where({ demo: true }).orderBy('username');
    expect(after.map((r) => r.password_hash)).toStrictEqual(before.map((r) => r.password_hash));
  });

  test('a database whose active accounts still open with the demo password is detected', async () => {
    expect(DEMO_PASSWORD).toBe('demo');
    expect(await hasDemoPasswords(server.engine.db)).toBe(true);
    await server.engine.db('users').where({ demo: true }).update({ active: false });
    try {
      expect(await hasDemoPasswords(server.engine.db)).toBe(false);
    } finally {
      await server.engine.db('users').where({ demo: true }).update({ active: true });
    }
  });
});
