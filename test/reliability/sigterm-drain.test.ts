/**
 * SIGTERM drains the real server (SQLite file): with a sweep running, a request whose body is still
 * arriving and a burst of submissions in flight, SIGTERM makes the server refuse new connections at
 * once, answer every request it had accepted (each 2xx is in the database, nothing is written without
 * an answer), stop the sweeper between two dossiers, close the database and exit 0.
 */
import http from 'node:http';
import net from 'node:net';
import type { Knex } from 'knex';
import { BACKENDS } from '../support/backends';
import { hanoi } from '../support/engine';
import {
  killAllServerProcesses,
  prepareDatabase,
  sleep,
  startServerProcess,
  type PreparedDatabase,
  type ServerProcess,
} from '../support/server-process';
import { AckLog, ApiClient, NoAnswer, pool, submissionBody, type Reply } from '../support/api-client';
import { auditFindings, countOf, missingAcks, seqProblems } from '../support/db-checks';

const SQLITE = BACKENDS.find((b) => b.name === 'sqlite')!;
const DUE = 100; // dossiers past their deadline when the sweep starts
const BURST = 30;

/** A POST whose headers are sent now and whose body is finished later: accepted, and held in flight. */
function slowPost(port: number, path: string, token: string, body: unknown) {
  const data = Buffer.from(JSON.stringify(body));
  const req = http.request({
    host: '127.0.0.1',
    port,
    path,
    method: 'POST',
    agent: false,
    headers: { 'Content-Type': 'application/json', 'Content-Length': data.length, Authorization: `Bearer ${token}` },
  });
  const answer = new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  req.write(data.subarray(0, 20));
  return { answer, finish: () => req.end(data.subarray(20)) };
}

/** Resolves 'refused' once a new TCP connection to the port is refused, 'accepted' if one still gets through. */
function tryConnect(port: number): Promise<'refused' | 'accepted' | string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' ? 'refused' : String(err.code)));
  });
}

describe('SIGTERM on a busy server', () => {
  let prepared: PreparedDatabase;
  let db: Knex;
  let server: ServerProcess;
  let client: ApiClient;
  const log = new AckLog();

  beforeAll(async () => {
    prepared = await prepareDatabase(SQLITE);
    db = prepared.open();
    server = await startServerProcess({
      name: 'drain',
      env: {
        ...prepared.env,
        MOTCUA_TEST_CLOCK: '1',
        MOTCUA_SWEEP_INTERVAL_MS: '0',
        MOTCUA_CHECKPOINT_INTERVAL_MS: '0',
        MOTCUA_DRAIN_TIMEOUT_MS: '20000',
      },
    });
    client = new ApiClient(server.baseUrl);
    await client.setClock(hanoi('2026-03-03 09:00'));
    await pool(DUE, 6, async (i) => {
      const res = await client.call('POST', '/api/dossiers', { as: 'counter', body: submissionBody(i) });
      if (res.status !== 201) throw new Error(`setup submission ${i}: ${res.status} ${JSON.stringify(res.body)}`);
      log.record({ code: res.body.code, type: 'SUBMIT', fromVersion: 0, version: res.body.version, actor: 'counter', via: 'drain' });
    });
    await client.setClock(hanoi('2026-03-06 17:30')); // every one of them is now past its due time
  }, 90_000);

  afterAll(async () => {
    await killAllServerProcesses();
    await prepared?.drop();
  });

  async function flaggedDossiers(): Promise<number> {
    const [row] = await db('dossier_events').where('actor', 'system').countDistinct({ n: 'dossier_id' });
    return Number(row!.n);
  }

  test("a request Node's HTTP parser refuses gets the API's JSON error from the real server, not a bare 400", async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port: server.port }, () =>
        socket.write('GET /api/dossiers/\x01bad HTTP/1.1\r\nHost: x\r\n\r\n'),
      );
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (c) => (text += c));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toMatch(/Content-Type: application\/json/i);
    expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4))).toEqual({
      error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
    });
  });

  test('every accepted request is answered and recorded, new connections are refused, the sweeper stops between dossiers, exit code 0', async () => {
    const counter = await client.login('counter', true);
    const before = await countOf(db('dossiers'));

    // In flight: a submission whose body has not finished arriving…
    const slow = slowPost(server.port, '/api/dossiers', counter, submissionBody(9000));
    // …a sweep over the dossiers past their deadline, and a burst of submissions competing with it…
    const sweep = client.call('POST', '/api/admin/sweep', { as: 'admin' });
    const burst: Promise<Reply | NoAnswer>[] = [];
    for (let i = 0; i < BURST; i++)
      burst.push(
        client.call('POST', '/api/dossiers', { as: 'counter', body: submissionBody(5000 + i) }).catch((err: unknown) => err as NoAnswer),
      );
    // …and SIGTERM as soon as the sweep has flagged its first dossier.
    const deadline = Date.now() + 20_000;
    while ((await flaggedDossiers()) < 1) {
      if (Date.now() > deadline) throw new Error(`the sweep never started\n${server.output().slice(-3000)}`);
      await sleep(5);
    }
    server.kill('SIGTERM');

    // New connections are refused while the accepted requests are still being answered.
    let probe = 'accepted';
    for (let i = 0; i < 100 && probe !== 'refused'; i++) {
      probe = await tryConnect(server.port);
      if (probe !== 'refused') await sleep(20);
    }
    expect(probe).toBe('refused');
    expect(server.exited()).toBe(false); // the slow request still holds it open

    slow.finish();
    const slowAnswer = await slow.answer;
    expect(slowAnswer.status).toBe(201);
    expect(slowAnswer.headers.connection).toBe('close');
    const slowBody = JSON.parse(slowAnswer.body);
    log.record({
      code: slowBody.code,
      type: 'SUBMIT',
      fromVersion: 0,
      version: slowBody.version,
      actor: 'counter',
      via: 'drain (slow body)',
    });

    const swept = await sweep;
    expect(swept.status).toBe(200);
    const replies = await Promise.all(burst);
    let answered = 0;
    for (const r of replies) {
      if (r instanceof NoAnswer) continue; // never reached the server before it closed: not accepted
      expect(r.status).toBe(201);
      answered += 1;
      log.record({ code: r.body.code, type: 'SUBMIT', fromVersion: 0, version: r.body.version, actor: 'counter', via: 'drain (burst)' });
    }

    const exit = await server.waitForExit(30_000);
    expect(exit).toEqual({ code: 0, signal: null });
    const stopped = server.logLines().find((l) => l.msg === 'stopped');
    expect(stopped).toMatchObject({ forced: false });

    // The sweeper stopped part-way, between two dossiers: each one it reached has its flag, the rest none.
    expect(swept.body.checked).toBeLessThan(DUE);
    expect(await flaggedDossiers()).toBe(swept.body.sent);

    // Every answered submission is in the database, and nothing was written without an answer.
    expect((await countOf(db('dossiers'))) - before).toBe(answered + 1);
    expect(await missingAcks(db, log.acks)).toEqual([]);
    expect(await seqProblems(db)).toEqual([]);
    const audit = await auditFindings(db);
    expect(audit.findings).toEqual([]);
    // eslint-disable-next-line no-console -- the run's figures, printed on purpose for the log
    console.log(
      `drain: ${answered}/${BURST} burst submissions answered, sweep stopped after ${swept.body.checked}/${DUE} dossiers, drained in ${stopped?.elapsedMs} ms`,
    );
  }, 90_000);
});
