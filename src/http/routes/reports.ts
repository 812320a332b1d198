/**
 * /api/reports: the weekly late-dossier review (GET /weekly-late-review?week=YYYY-Www[&unit][&format],
 * POST /weekly-late-review/notes, POST /weekly-late-review/sign-off, GET /weekly-late-review/sign-offs
 * ?from&to: which weeks are signed off) and the monthly report to the Department of Home Affairs
 * (GET /monthly?month=YYYY-MM[&format][&download], GET /monthly/status, POST /monthly/sent). Formats: json (default), csv, xlsx,
 * html; every one is streamed to the client. Validation and authorisation happen before the first
 * byte, so errors keep the API's error shape; a failure mid-stream aborts the response.
 */
import { Router, type Response } from 'express';
import type { Writable } from 'node:stream';
import type { AppDeps } from '../deps';
import { userOf } from '../deps';
import { ReviewService, type ReportFormat } from '../../services/review-service';
import { writeMonthlyReportCsv, writeWeeklyReviewCsv } from '../../reports/formats/csv';
import { HTML_CSP, writeMonthlyReportHtml, writeWeeklyReviewHtml } from '../../reports/formats/html';
import { writeMonthlyReportJson, writeWeeklyReviewJson } from '../../reports/formats/json';
import { writeMonthlyReportXlsx, writeWeeklyReviewXlsx, XLSX_CONTENT_TYPE } from '../../reports/formats/xlsx';

const CONTENT_TYPES: Record<ReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xlsx: XLSX_CONTENT_TYPE,
  html: 'text/html; charset=utf-8',
};

/** Reports carry personal data: never cached by shared caches; the HTML page may not run anything. */
async function send(
  res: Response,
  format: ReportFormat,
  filename: string,
  write: (out: Writable) => Promise<void>,
  attachment = false,
): Promise<void> {
  const headers: Record<string, string> = {
    'Content-Type': CONTENT_TYPES[format],
    'Cache-Control': 'private, no-store',
    'X-Content-Type-Options': 'nosniff',
    ...(format === 'html' ? { 'Content-Security-Policy': HTML_CSP } : {}),
    ...(attachment || format === 'csv' || format === 'xlsx'
      ? { 'Content-Disposition': `attachment; filename="${filename}.${format}"` }
      : {}),
  };
  res.status(200).set(headers);
  try {
    await write(res);
  } catch (err) {
    if (res.headersSent) {
      res.destroy(err as Error);
      return;
    }
    for (const name of Object.keys(headers)) res.removeHeader(name);
    throw err;
  }
}

type Writers<T> = Record<ReportFormat, (out: Writable, report: T) => Promise<void>>;

export function reportRoutes(deps: AppDeps): Router {
  const service = new ReviewService(deps.ctx);
  const r = Router();
  const weekly: Writers<Awaited<ReturnType<ReviewService['weeklyReview']>>['review']> = {
    json: writeWeeklyReviewJson,
    csv: writeWeeklyReviewCsv,
    xlsx: writeWeeklyReviewXlsx,
    html: writeWeeklyReviewHtml,
  };
  const monthly: Writers<Awaited<ReturnType<ReviewService['monthly']>>['report']> = {
    json: writeMonthlyReportJson,
    csv: writeMonthlyReportCsv,
    xlsx: writeMonthlyReportXlsx,
    html: writeMonthlyReportHtml,
  };

  r.get('/weekly-late-review', async (req, res) => {
    const { format, filename, review } = await service.weeklyReview(userOf(res), req.query);
    await send(res, format, filename, (out) => weekly[format](out, review));
  });
  r.post('/weekly-late-review/notes', async (req, res) => {
    res.status(201).json(await service.addNote(userOf(res), req.body));
  });
  r.post('/weekly-late-review/sign-off', async (req, res) => {
    res.status(201).json(await service.signOff(userOf(res), req.body));
  });
  r.get('/weekly-late-review/sign-offs', async (req, res) => {
    res.json(await service.weekStatuses(userOf(res), req.query));
  });
  r.get('/monthly', async (req, res) => {
    const { format, filename, attachment, report } = await service.monthly(userOf(res), req.query);
    await send(res, format, filename, (out) => monthly[format](out, report), attachment);
  });
  r.get('/monthly/status', async (req, res) => {
    res.json(await service.monthlyStatus(userOf(res), req.query));
  });
  r.post('/monthly/sent', async (req, res) => {
    res.status(201).json(await service.markMonthlySent(userOf(res), req.body));
  });
  return r;
}
