/**
 * sendJson (src/http/json-answer.ts) answers a POST with what res.json answers: the same status, headers in the
 * same order and bytes, for a body above and below Express's 1000-character Buffer threshold, with and without
 * an ETag set by the route (Express makes a weak one when none is), and for non-ASCII text.
 */
import express from 'express';
import request from 'supertest';
import { sendJson } from '../../src/http/json-answer';

const big = { code: 'H01.1-261205-0001', notes: 'Hồ sơ đất đai '.repeat(80), list: [1, 2, 3], none: null };
const small = { ok: true, name: 'Đỗ Văn Hùng' };

function app(): express.Express {
  const a = express();
  a.disable('x-powered-by');
  for (const [name, body] of Object.entries({ big, small })) {
    a.post(`/json/${name}`, (_req, res) => void res.status(201).location('/x').json(body));
    a.post(`/send/${name}`, (req, res) => sendJson(req, res.status(201).location('/x'), body));
    a.post(`/json-etag/${name}`, (_req, res) => void res.set('ETag', '"3"').json(body));
    a.post(`/send-etag/${name}`, (req, res) => sendJson(req, res.set('ETag', '"3"'), body));
    a.get(`/send-get/${name}`, (req, res) => sendJson(req, res, body));
    a.get(`/json-get/${name}`, (_req, res) => void res.json(body));
  }
  return a;
}

async function answer(method: 'post' | 'get', path: string, headers: Record<string, string> = {}) {
  const req = request(app())[method](path).set(headers).buffer(true);
  const res = await req.parse((r, done) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => done(null, Buffer.concat(chunks)));
  });
  // in the order they arrived
  const headerList = Object.entries(res.headers as Record<string, string>)
    .map(([h, v]) => `${h}: ${v}`)
    .filter((h) => !/^(?:date|connection|keep-alive):/i.test(h));
  return { status: res.status, headers: headerList, body: (res.body as Buffer).toString('hex') };
}

describe('sendJson answers a POST as res.json does', () => {
  test.each(['big', 'small'])('%s body, ETag made by Express or set by the route', async (name) => {
    expect(JSON.stringify(big).length).toBeGreaterThan(1000);
    const made = await answer('post', `/send/${name}`);
    expect(made).toEqual(await answer('post', `/json/${name}`));
    expect(made.headers.some((h: string) => /^etag: W\//i.test(h))).toBe(true);
    expect(await answer('post', `/send-etag/${name}`)).toEqual(await answer('post', `/json-etag/${name}`));
  });

  test('any other method is left to res.json (freshness: a matching If-None-Match is still 304)', async () => {
    const first = await answer('get', '/json-get/big');
    const etag = first.headers.find((h: string) => /^etag:/i.test(h))!.slice('etag: '.length);
    const send = await answer('get', '/send-get/big', { 'If-None-Match': etag });
    expect(send.status).toBe(304);
    expect(send).toEqual(await answer('get', '/json-get/big', { 'If-None-Match': etag }));
  });
});
