/**
 * The national portal (Cổng DVCQG) dossier sync: each event that changes the dossier's national status code
 * (machines/dossier/status-codes.ts), or moves its appointment by an apology, is sent as one `DongBoHoSoMC`
 * record with the dossier's state as of that event. The contract (fields, formats, session, answers) and what
 * in it is unverified are in docs/integration.md, "National portal sync"; the test server
 * (test/outbox/portal.test.ts) enforces exactly that contract.
 */
import type { Channel, Delivery, DeliveryResult } from '../channel';
import type { Db } from '../../store/db';
import { eventsUpTo } from '../../store/outbox-store';
import { decodeRow, type StoredEvent } from '../../../machines/engine/event-codec';
import { replaySteps } from '../../audit/replay-steps';
import { nationalStatus } from '../../../machines/dossier/status-codes';
import { lifecycleOf, type DossierSnapshot } from '../../../machines/dossier';
import { factsOf } from '../../../machines/dossier/facts';

export interface PortalOptions {
  /** the adapter's base URL, e.g. https://dvcqg-adapter.example.gov.vn */
  url: string;
  authPath: string;
  syncPath: string;
  username: string;
  password: string;
  /** madonvi: the agency's code at the portal */
  agencyCode: string;
}

/** An instant as the portal writes dates: yyyyMMddHHmmss in Vietnam time (UTC+7, no daylight saving); "" when absent. */
export function portalDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = new Date(Date.parse(iso) + 7 * 3_600_000).toISOString();
  return t.slice(0, 19).replace(/[-T:]/g, '');
}

/**
 * KenhThucHien: 1 at the counter (trực tiếp), 2 online (trực tuyến), 3 by post (BCCI, bưu chính công ích): the
 * values of a provincial implementation's sync record (docs/integration.md, "Sources").
 */
const CHANNEL_CODES: Record<string, string> = { counter: '1', online: '2', postal: '3' };

export interface PortalRecord {
  MaHoSo: string;
  MaTTHC: string;
  TenTTHC: string;
  MaLinhVuc: string;
  TenLinhVuc: string;
  KenhThucHien: string;
  ChuHoSo: string;
  LoaiDoiTuong: string;
  MaDoiTuong: string;
  ThongTinKhac: string;
  Email: string;
  Fax: string;
  SoDienThoai: string;
  TrichYeuHoSo: string;
  NgayTiepNhan: string;
  NgayHenTra: string;
  TrangThaiHoSo: string;
  NgayTra: string;
  ThongTinTra: string;
  HinhThuc: string;
  NgayKetThucXuLy: string;
  DonViXuLy: string;
  GhiChu: string;
  TaiLieuNop: unknown[];
  DanhSachLePhi: unknown[];
  DanhSachTepDinhKemKhac: unknown[];
  DanhSachHoSoBoSung: unknown[];
  DanhSachGiayToKetQua: unknown[];
}

const codeOf = (s: DossierSnapshot | null): number | null =>
  s ? (nationalStatus(lifecycleOf(s), s.context.pauseReason)?.code ?? null) : null;

/** Pure: the record for the dossier as of `events`' last one (events 1..seq, in order). */
export function portalRecord(events: StoredEvent[], dossier: { id: string; code: string; procedure_code: string; agency_code: string }) {
  const last = events[events.length - 1]!;
  const now = replaySteps(dossier.id, events).snapshot;
  const before = events.length > 1 ? replaySteps(dossier.id, events.slice(0, -1)).snapshot : null;
  if (!now) throw new Error(`the dossier's events do not replay up to seq ${last.seq}`);
  const code = codeOf(now);
  const changed = code !== codeOf(before) || last.type === 'ISSUE_APOLOGY';
  const ctx = now.context;
  const facts = factsOf(now);
  const applicant = ((events[0]!.payload as { applicant?: Record<string, string> }).applicant ?? {}) as Record<string, string>;
  const record: PortalRecord = {
    MaHoSo: ctx.code || dossier.code,
    MaTTHC: dossier.procedure_code,
    TenTTHC: '',
    MaLinhVuc: '',
    TenLinhVuc: '',
    KenhThucHien: CHANNEL_CODES[ctx.channel] ?? '1',
    ChuHoSo: applicant.fullName ?? '',
    LoaiDoiTuong: '1',
    MaDoiTuong: '',
    ThongTinKhac: '',
    Email: applicant.email ?? '',
    Fax: '',
    SoDienThoai: applicant.phone ?? '',
    TrichYeuHoSo: '',
    NgayTiepNhan: portalDate(facts.receivedAt),
    NgayHenTra: portalDate(facts.dueAt),
    TrangThaiHoSo: code === null ? '' : String(code),
    NgayTra: portalDate(facts.returnedAt),
    ThongTinTra: '',
    HinhThuc: '0',
    NgayKetThucXuLy: portalDate(facts.resultAt),
    DonViXuLy: dossier.agency_code,
    GhiChu: '',
    TaiLieuNop: [],
    DanhSachLePhi: [],
    DanhSachTepDinhKemKhac: [],
    DanhSachHoSoBoSung: [],
    DanhSachGiayToKetQua: [],
  };
  return { changed, record, isUpdating: last.seq > 1 };
}

const ok = (code: unknown) => code === 0 || code === '0' || code === '00';

export class PortalChannel implements Channel {
  readonly kind = 'portal';
  private session: Promise<string> | null = null;

  constructor(
    private readonly db: Db,
    private readonly opts: PortalOptions,
  ) {}

  private async post(
    path: string,
    body: unknown,
    signal: AbortSignal,
  ): Promise<{ status: number; json: Record<string, unknown> | null; text: string }> {
    const res = await fetch(new URL(path, this.opts.url), {
      method: 'POST',
      signal,
      redirect: 'manual',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    let json: Record<string, unknown> | null;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = null; // not JSON: the answer is kept as text
    }
    return { status: res.status, json, text: text.slice(0, 500) };
  }

  private login(signal: AbortSignal): Promise<string> {
    if (!this.session) {
      const attempt = (async () => {
        const r = await this.post(this.opts.authPath, { username: this.opts.username, password: this.opts.password }, signal);
        if (r.status !== 200 || !r.json || !ok(r.json.error_code) || typeof r.json.session !== 'string')
          throw new Error(`portal login refused: HTTP ${r.status} ${r.text}`);
        return r.json.session;
      })();
      this.session = attempt;
      attempt.catch(() => {
        if (this.session === attempt) this.session = null;
      });
    }
    return this.session;
  }

  async deliver(d: Delivery, signal: AbortSignal): Promise<DeliveryResult> {
    const events = (await eventsUpTo(this.db, d.event.dossier_id, d.event.seq)).map(decodeRow);
    const { changed, record, isUpdating } = portalRecord(events, d.dossier);
    if (!changed) return { outcome: 'delivered', providerAnswer: 'not sent: the national status did not change' };
    let session: string;
    try {
      session = await this.login(signal);
    } catch (err) {
      return { outcome: 'retry', error: (err as Error).message };
    }
    let r;
    try {
      r = await this.post(
        this.opts.syncPath,
        { session, madonvi: this.opts.agencyCode, service: 'DongBoHoSoMC', isUpdating: isUpdating ? 'True' : 'False', data: [record] },
        signal,
      );
    } catch (err) {
      return { outcome: 'retry', error: `no answer: ${(err as Error).message}` };
    }
    const answer = `HTTP ${r.status} ${r.text}`;
    if (r.status === 200 && r.json && ok(r.json.error_code)) return { outcome: 'delivered', providerAnswer: answer };
    if (r.status === 401 || (r.json && r.json.error_code === 'SESSION_EXPIRED')) this.session = null;
    if (r.status >= 400 && r.status < 500 && r.status !== 401 && r.status !== 408 && r.status !== 429)
      return { outcome: 'permanent', error: `refused: HTTP ${r.status}`, providerAnswer: answer };
    return { outcome: 'retry', error: `not acknowledged: HTTP ${r.status}`, providerAnswer: answer };
  }
}
