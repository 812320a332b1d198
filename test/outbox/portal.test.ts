/**
 * The national portal connector against a local HTTP server that enforces the contract of
 * docs/integration.md ("National portal sync"): login for a session, then one DongBoHoSoMC record per national
 * status change (and per apology), dates as yyyyMMddHHmmss in Vietnam time, status codes 1–10; a down portal or an
 * expired session is retried; the sync lag (event committed → portal acknowledged) is measured.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BACKENDS } from '../support/backends';
import { ACTORS, hanoi, startEngine, submission, type StartedEngine } from '../support/engine';
import { OutboxDispatcher } from '../../src/outbox/dispatcher';
import { PortalChannel, portalDate, type PortalRecord } from '../../src/outbox/channels/portal';
import { listDeliveries, upsertSubscriber } from '../../src/store/outbox-store';
import { findDossierByCode } from '../../src/store/dossier-store';
import { SyncLag } from '../../src/outbox/sync-lag';
import type { Command } from '../../machines/engine/commands';

const HOUSEHOLD_BUSINESS = '1.001612';
const AGENCY = '000.00.12.H29';
const RECORD_FIELDS = [
  'MaHoSo',
  'MaTTHC',
  'TenTTHC',
  'MaLinhVuc',
  'TenLinhVuc',
  'KenhThucHien',
  'ChuHoSo',
  'LoaiDoiTuong',
  'MaDoiTuong',
  'ThongTinKhac',
  'Email',
  'Fax',
  'SoDienThoai',
  'TrichYeuHoSo',
  'NgayTiepNhan',
  'NgayHenTra',
  'TrangThaiHoSo',
  'NgayTra',
  'ThongTinTra',
  'HinhThuc',
  'NgayKetThucXuLy',
  'DonViXuLy',
  'GhiChu',
  'TaiLieuNop',
  'DanhSachLePhi',
  'DanhSachTepDinhKemKhac',
  'DanhSachHoSoBoSung',
  'DanhSachGiayToKetQua',
];
const DATE_FIELDS = ['NgayTiepNhan', 'NgayHenTra', 'NgayTra', 'NgayKetThucXuLy'];

/** What the contract requires of one sync request; the first violation, or null. */
function violation(body: Record<string, unknown>, session: string): string | null {
  const keys = Object.keys(body).sort().join(',');
  if (keys !== 'data,isUpdating,madonvi,service,session') return `body keys: ${keys}`;
  if (body.session !== session) return 'session: unknown or expired';
  if (body.madonvi !== AGENCY) return `madonvi: ${String(body.madonvi)}`;
  if (body.service !== 'DongBoHoSoMC') return `service: ${String(body.service)}`;
  if (body.isUpdating !== 'True' && body.isUpdating !== 'False') return `isUpdating: ${String(body.isUpdating)}`;
  if (!Array.isArray(body.data) || body.data.length < 1) return 'data: expected a non-empty array';
  for (const r of body.data as Record<string, unknown>[]) {
    const fields = Object.keys(r).sort();
    if (fields.join(',') !== [...RECORD_FIELDS].sort().join(',')) return `record fields: ${fields.join(',')}`;
    for (const f of RECORD_FIELDS)
      if (f.startsWith('TaiLieu') || f.startsWith('DanhSach') ? !Array.isArray(r[f]) : typeof r[f] !== 'string') return `${f}: wrong type`;
    for (const f of DATE_FIELDS) if (r[f] !== '' && !/^20\d{12}$/.test(String(r[f]))) return `${f}: not yyyyMMddHHmmss`;
    if (!/^([1-9]|10)$/.test(String(r.TrangThaiHoSo))) return `TrangThaiHoSo: ${String(r.TrangThaiHoSo)}`;
    if (!r.MaHoSo || !r.MaTTHC || !r.DonViXuLy) return 'MaHoSo, MaTTHC and DonViXuLy are required';
    if (!['1', '2', '3'].includes(String(r.KenhThucHien)) || !['0', '1'].includes(String(r.HinhThuc))) return 'KenhThucHien/HinhThuc';
    if (String(r.TrangThaiHoSo) !== '1' && String(r.TrangThaiHoSo) !== '3' && (!r.NgayTiepNhan || !r.NgayHenTra))
      return 'NgayTiepNhan and NgayHenTra are required once received';
    if (/\d{12}/.test(JSON.stringify(r).replace(/"Ngay[A-Za-z]*":"\d{14}"/g, ''))) return 'a full ID number must not be sent';
  }
  return null;
}

class FakePortal {
  records: (PortalRecord & { isUpdating: string })[] = [];
  logins = 0;
  down = false;
  private session = '';
  private server!: http.Server;
  url = '';
  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const send = (status: number, body: unknown) =>
          res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
        if (this.down) return send(503, { error_code: '-1', message: 'bảo trì' });
        if (req.headers['content-type'] !== 'application/json') return send(415, { error_code: '-1', message: 'content type' });
        const body = JSON.parse(raw) as Record<string, unknown>;
        if (req.url === '/auth') {
          if (Object.keys(body).sort().join(',') !== 'password,username' || body.username !== 'motcua' || body.password !== 's3cret')
            return send(200, { error_code: -1, message: 'sai tài khoản' });
          this.logins += 1;
          this.session = `S-${this.logins}`;
          return send(200, { error_code: 0, session: this.session });
        }
        if (req.url !== '/sync') return send(404, { error_code: '-1' });
        if (body.session !== this.session) return send(401, { error_code: '-1', message: 'phiên hết hạn' });
        const wrong = violation(body, this.session);
        if (wrong) return send(400, { error_code: '-1', message: wrong });
        for (const r of body.data as PortalRecord[]) this.records.push({ ...r, isUpdating: String(body.isUpdating) });
        return send(200, { error_code: '00', message: 'Thành công' });
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  expireSession(): void {
    this.session = 'expired';
  }
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
  of(code: string) {
    return this.records.filter((r) => r.MaHoSo === code);
  }
}

describe.each(BACKENDS)('national portal sync on $label', (backend) => {
  let t: StartedEngine;
  const portal = new FakePortal();
  let dispatcher: OutboxDispatcher;
  const lag = new SyncLag();

  beforeAll(async () => {
    t = await startEngine(backend, '2026-03-03 09:00');
    await portal.start();
    await upsertSubscriber(t.db, {
      id: 'portal',
      kind: 'portal',
      name: 'Cổng DVCQG',
      config: {},
      active: true,
      eventTypes: ['*'],
      createdAt: t.clock.now().toISOString(),
      createdBy: 'system',
    });
    const channel = new PortalChannel(t.db, {
      url: portal.url,
      authPath: '/auth',
      syncPath: '/sync',
      username: 'motcua',
      password: 's3cret',
      agencyCode: AGENCY,
    });
    dispatcher = new OutboxDispatcher(t, { baseDelayMs: 1_000, maxDelayMs: 1_000, random: () => 1 })
      .register(channel)
      .observe(lag.observer());
  });
  afterAll(async () => {
    await portal.stop();
    await t.drop();
  });

  const act = (code: string, cmd: Command, actor = ACTORS.specialist) => t.engine.act(code, cmd, actor);
  const approve: Command = {
    type: 'RECORD_RESULT',
    documentNumber: '15/GCN-HKD',
    documentDate: '2026-03-09',
    signer: 'Chủ tịch UBND xã',
    digitised: true,
  };

  test('each national status change is synced once, in order, with the contract’s fields; events that change nothing are not sent', async () => {
    t.at('2026-03-03 09:00');
    const d = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await act(d.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    while ((await t.engine.get(d.code)).allowedEvents.includes('COMPLETE_STEP')) await act(d.code, { type: 'COMPLETE_STEP' });
    t.at('2026-03-05 10:00');
    await act(d.code, { ...approve, documentDate: '2026-03-05' }, ACTORS.leader);
    t.at('2026-03-05 15:00');
    await act(d.code, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
    await dispatcher.drain();
    const sent = portal.of(d.code);
    expect(sent.map((r) => r.TrangThaiHoSo)).toEqual(['1', '2', '4', '9', '10']);
    expect(sent.map((r) => r.isUpdating)).toEqual(['False', 'True', 'True', 'True', 'True']);
    expect(sent[1]).toMatchObject({
      MaTTHC: HOUSEHOLD_BUSINESS,
      KenhThucHien: '1',
      ChuHoSo: 'Nguyễn Thị Hoa',
      NgayTiepNhan: '20260303090000',
      NgayHenTra: '20260306170000',
      DonViXuLy: AGENCY,
    });
    expect(sent[4]).toMatchObject({ NgayKetThucXuLy: '20260305100000', NgayTra: '20260305150000' });
    const row = (await findDossierByCode(t.db, d.code))!;
    const all = await listDeliveries(t.db, { subscriberId: 'portal', dossierId: row.id, limit: 50 });
    expect(all.every((x) => x.state === 'sent')).toBe(true);
    expect(all.filter((x) => x.providerAnswer?.startsWith('not sent')).map((x) => x.eventType)).toEqual(
      expect.arrayContaining(['COMPLETE_STEP']),
    );
  });

  test('a late dossier’s apology is synced at once with the new appointment', async () => {
    t.at('2026-03-03 09:00');
    const d = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await act(d.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    while ((await t.engine.get(d.code)).allowedEvents.includes('COMPLETE_STEP')) await act(d.code, { type: 'COMPLETE_STEP' });
    t.at('2026-03-09 10:00');
    await act(d.code, approve, ACTORS.leader);
    await act(
      d.code,
      { type: 'ISSUE_APOLOGY', reason: 'Chờ xác minh địa điểm', signer: 'Trưởng phòng Kinh tế', newDueDate: '2026-03-10' },
      ACTORS.leader,
    );
    await dispatcher.drain();
    const last = portal.of(d.code).at(-1)!;
    // the apology changes no status code but is sent: the record before it still had the first appointment
    const sent = portal.of(d.code);
    expect(sent.at(-2)).toMatchObject({ TrangThaiHoSo: '9', NgayHenTra: '20260306170000' });
    expect(last).toMatchObject({ TrangThaiHoSo: '9', NgayHenTra: '20260310170000' });
  });

  test('a portal that is down, and an expired session, are retried until acknowledged; the lag is measured', async () => {
    t.at('2026-03-10 09:00');
    portal.down = true;
    const d = await t.engine.submit(submission(HOUSEHOLD_BUSINESS, 'online'), ACTORS.counter);
    await dispatcher.drain();
    expect(portal.of(d.code)).toEqual([]);
    portal.down = false;
    portal.expireSession();
    const logins = portal.logins;
    t.clock.advance(1_001);
    await dispatcher.drain(); // 401: the session is dropped …
    t.clock.advance(1_001);
    await dispatcher.drain(); // … and the next attempt logs in again
    expect(portal.logins).toBe(logins + 1);
    expect(portal.of(d.code).map((r) => [r.TrangThaiHoSo, r.KenhThucHien, r.NgayTiepNhan])).toEqual([['1', '2', '']]);
    const seconds = lag.samples();
    expect(seconds.at(-1)).toBeCloseTo(2.002, 2);
    expect(lag.render()).toMatch(/motcua_portal_sync_lag_seconds_count \d+/);
  });

  test('dates are written in Vietnam time as yyyyMMddHHmmss', () => {
    expect(portalDate(hanoi('2026-03-03 09:05'))).toBe('20260303090500');
    expect(portalDate('2026-12-31T20:00:00.000Z')).toBe('20270101030000');
    expect(portalDate(null)).toBe('');
  });
});
