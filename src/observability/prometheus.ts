/**
 * GET /metrics in the Prometheus text exposition format (0.0.4), written by hand. Only bounded,
 * aggregate information: label values come from fixed sets (HTTP method, the documented route
 * templates, status code, event type), never a dossier code, user name or personal data.
 * - motcua_http_requests_total{method,route,status}          counter, in-process
 * - motcua_http_request_duration_seconds{method,route}        histogram, in-process
 * - motcua_transitions_total{type}                            dossier events committed by this process, by type
 *   (in-process, counted as transactions commit: a scrape costs nothing whatever the history's size;
 *   sum over instances and take rate()/increase(), as for any Prometheus counter — docs/deploy.md)
 * - motcua_sweeper_runs_total{outcome}                        deadline sweeper runs, in-process
 * - motcua_late_dossiers_open                                 open dossiers whose timeliness is overdue
 */
import type { Db } from '../store/db';
import { countOverdue } from '../store/observability-queries';
import { onEventsCommitted } from '../store/event-signal';
import { OPEN_STATES } from '../../machines/vocabulary';
import type { DeadlineSweeper } from '../jobs/deadline-sweeper';
import { apiRouteTemplates } from '../http/openapi';
import type { Logger } from './logger';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labels = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',')}}`;
const num = (n: number) => (Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : '-Inf');

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export class HttpMetrics {
  private readonly requests = new Map<string, { method: string; route: string; status: string; n: number }>();
  private readonly durations = new Map<string, { method: string; route: string; h: Histogram }>();
  private readonly sweeps = new Map<string, number>([
    ['ok', 0],
    ['error', 0],
  ]);
  private readonly templates: { template: string; re: RegExp }[];
  private readonly transitions = new Map<string, number>();
  private readonly counted = new WeakSet<object>();

  constructor() {
    this.templates = apiRouteTemplates().map((template) => ({
      template,
      re: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
    }));
  }

  /** The documented route template a path belongs to, or "other": keeps the label set bounded. */
  routeOf(_method: string, path: string): string {
    // exact templates first (/api/dossiers before /api/dossiers/{code})
    for (const t of this.templates) if (t.re.test(path)) return t.template;
    return 'other';
  }

  observeRequest(rawMethod: string, route: string, status: number, seconds: number): void {
    const method = METHODS.has(rawMethod) ? rawMethod : 'OTHER';
    const key = `${method} ${route} ${status}`;
    const r = this.requests.get(key) ?? { method, route, status: String(status), n: 0 };
    r.n += 1;
    this.requests.set(key, r);
    const dkey = `${method} ${route}`;
    const d = this.durations.get(dkey) ?? { method, route, h: { counts: BUCKETS.map(() => 0), sum: 0, count: 0 } };
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) d.h.counts[i]! += 1;
    });
    d.h.sum += seconds;
    d.h.count += 1;
    this.durations.set(dkey, d);
  }

  /** Counts the events committed through `db` from now on (idempotent per database handle). */
  countEventsOf(db: Db): void {
    if (this.counted.has(db)) return;
    this.counted.add(db);
    onEventsCommitted(db, (types) => {
      for (const t of types) this.transitions.set(t, (this.transitions.get(t) ?? 0) + 1);
    });
  }

  private readonly sections: ((db: Db) => Promise<string> | string)[] = [];

  /** Adds a section rendered at each scrape (the outbox's sync lag and its oldest undelivered portal record). */
  addSection(render: (db: Db) => Promise<string> | string): void {
    this.sections.push(render);
  }

  countSweep(outcome: 'ok' | 'error'): void {
    this.sweeps.set(outcome, (this.sweeps.get(outcome) ?? 0) + 1);
  }

  /** The whole exposition; the database figures are read now. */
  async render(db: Db): Promise<string> {
    const out: string[] = [];
    out.push('# HELP motcua_http_requests_total HTTP requests answered, by method, route template and status.');
    out.push('# TYPE motcua_http_requests_total counter');
    for (const r of this.requests.values())
      out.push(`motcua_http_requests_total${labels({ method: r.method, route: r.route, status: r.status })} ${r.n}`);

    out.push('# HELP motcua_http_request_duration_seconds Time to answer an HTTP request, by method and route template.');
    out.push('# TYPE motcua_http_request_duration_seconds histogram');
    for (const d of this.durations.values()) {
      const l = { method: d.method, route: d.route };
      BUCKETS.forEach((b, i) => out.push(`motcua_http_request_duration_seconds_bucket${labels({ ...l, le: num(b) })} ${d.h.counts[i]}`));
      out.push(`motcua_http_request_duration_seconds_bucket${labels({ ...l, le: '+Inf' })} ${d.h.count}`);
      out.push(`motcua_http_request_duration_seconds_sum${labels(l)} ${num(d.h.sum)}`);
      out.push(`motcua_http_request_duration_seconds_count${labels(l)} ${d.h.count}`);
    }

    out.push('# HELP motcua_transitions_total Dossier events committed by this process since it started (transitions), by event type.');
    out.push('# TYPE motcua_transitions_total counter');
    for (const [type, n] of [...this.transitions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      out.push(`motcua_transitions_total${labels({ type })} ${n}`);

    out.push('# HELP motcua_sweeper_runs_total Deadline sweeper runs in this process, by outcome.');
    out.push('# TYPE motcua_sweeper_runs_total counter');
    for (const [outcome, n] of this.sweeps) out.push(`motcua_sweeper_runs_total${labels({ outcome })} ${n}`);

    const late = await countOverdue(db, OPEN_STATES);
    out.push('# HELP motcua_late_dossiers_open Open dossiers past their due date (timeliness overdue).');
    out.push('# TYPE motcua_late_dossiers_open gauge');
    out.push(`motcua_late_dossiers_open ${late}`);
    for (const section of this.sections) out.push(await section(db));
    return `${out.join('\n')}\n`;
  }
}

const instrumented = new WeakSet<DeadlineSweeper>();

/** Counts the sweeper's runs (timer and on-demand alike) in `metrics`; idempotent per sweeper. */
export function instrumentSweeper(sweeper: DeadlineSweeper, metrics: HttpMetrics, log?: Logger): void {
  if (instrumented.has(sweeper)) return;
  instrumented.add(sweeper);
  const run = sweeper.sweepOnce.bind(sweeper);
  sweeper.sweepOnce = async () => {
    try {
      const result = await run();
      metrics.countSweep('ok');
      log?.debug({ sweep: result }, 'sweep done');
      return result;
    } catch (err) {
      metrics.countSweep('error');
      throw err;
    }
  };
}
