/**
 * The Express application: the API's public routes first (citizen lookup, API reference, login), then the rest
 * of /api behind authentication, then the paths outside /api (health, GET /metrics for Prometheus, the UI), which
 * need no login. Before all of them: the request id and access log, and the security headers. Routers live one
 * capability per file in ./routes, each mounted on its own prefix.
 */
import express, { type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import type { AppDeps } from './deps';
import { errorHandler, notFoundHandler } from './error-handler';
import { requireJson } from './content-type';
import { guardInput } from './input-guard';
import { authenticate } from './authenticate';
import { healthRoutes } from './routes/health';
import { authRoutes } from './routes/auth';
import { vocabularyRoutes } from './routes/vocabulary';
import { publicRoutes } from './routes/public';
import { openapiHandlers } from './routes/openapi';
import { procedureRoutes } from './routes/procedures';
import { dossierRoutes } from './routes/dossiers';
import { formRoutes } from './routes/forms';
import { documentRoutes, uploadRoutes } from './routes/documents';
import { userRoutes } from './routes/users';
import { calendarRoutes } from './routes/calendar';
import { reportRoutes } from './routes/reports';
import { metricsRoutes } from './routes/metrics';
import { uiRoutes } from './routes/ui';
import { auditRoutes } from './routes/audit';
import { adminRoutes } from './routes/admin';
import { observabilityRoutes } from './routes/observability';
import { recordViewRoutes } from './routes/record-views';
import { integrationRoutes } from './routes/integration';
import { notificationRoutes } from './routes/notifications';
import { createLogger, type Logger } from '../observability/logger';
import { requestContext } from '../observability/request-id';
import { HttpMetrics, instrumentSweeper } from '../observability/prometheus';

export interface AppOptions {
  /** where the JSON log lines go; default a pino logger at LOG_LEVEL on stdout (silent under jest) */
  logger?: Logger;
  /** the Prometheus counters GET /metrics exposes; default a fresh set for this app */
  metrics?: HttpMetrics;
}

/**
 * Security headers on every answer. The default Content-Security-Policy is the strictest (JSON needs
 * nothing); the HTML routes (UI, forms, reports, API reference) set their own policy afterwards, which
 * replaces this one. No CORS middleware: no Access-Control-Allow-* header is ever sent, so browsers
 * refuse cross-origin reads.
 */
export const helmetHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
});

/**
 * helmet's headers, recorded once at start-up: none of them depends on the request (the policy is a fixed
 * string), so each request only sets the same names and values in the same order, and removes what helmet
 * removes, without helmet's chain of thirteen middlewares.
 */
export function recordedHeaders(middleware: RequestHandler): RequestHandler {
  const set: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => void set.push([name, String(value)]),
    removeHeader: (name: string) => void removed.push(name),
  };
  let finished = false;
  void middleware({} as Request, recorder as unknown as Response, (err?: unknown) => {
    if (err) throw err;
    finished = true;
  });
  if (!finished) throw new Error('the security headers did not finish synchronously: they cannot be recorded');
  return (_req, res, next) => {
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of set) res.setHeader(name, value);
    next();
  };
}

export const securityHeaders = recordedHeaders(helmetHeaders);

export function createApp(deps: AppDeps, options: AppOptions = {}): express.Express {
  const logger = options.logger ?? createLogger({ level: deps.config.LOG_LEVEL });
  const metrics = options.metrics ?? new HttpMetrics();
  metrics.countEventsOf(deps.ctx.db);
  if (deps.sweeper) instrumentSweeper(deps.sweeper, metrics, logger);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.TRUST_PROXY);
  app.use(requestContext(logger, metrics)); // first: request id and the access log line
  app.use(securityHeaders);
  app.use('/api/uploads', uploadRoutes(deps)); // a raw file body, streamed: before the JSON-only gate and parser
  app.use(requireJson);
  app.use(express.json({ limit: '256kb' }));
  app.use(guardInput);

  // /api first, each router on its own prefix, so an API request enters only the router that answers it; the
  // routers of paths outside /api (health, Prometheus, the UI) come after: no path reaches both groups, so moving
  // them changes no answer. Within /api the order is the old one but for the audit routes, which moved after
  // /api/dossiers: none of their paths (/dossiers/:code/replay|verify|export, /audit/…, /machines) is also a path
  // of the routers they moved past. test/http/routing.test.ts pins the answers a wrong path gets.
  const reference = openapiHandlers(deps);
  app.get('/api/openapi.json', reference.json);
  app.get('/api/docs', reference.docs);
  app.use('/api/public', publicRoutes(deps));
  app.use('/api/vocabulary', vocabularyRoutes(deps));
  app.use('/api/auth', authRoutes(deps));

  app.use('/api', authenticate(deps));
  app.use('/api/audit/record-views', recordViewRoutes(deps));
  app.use('/api/procedures', procedureRoutes(deps));
  app.use('/api/dossiers', dossierRoutes(deps));
  app.use('/api/dossiers', formRoutes(deps));
  app.use('/api/dossiers', documentRoutes(deps));
  app.use('/api', auditRoutes(deps));
  app.use('/api/users', userRoutes(deps));
  app.use('/api/calendar', calendarRoutes(deps));
  app.use('/api/reports', reportRoutes(deps));
  app.use('/api/metrics', metricsRoutes(deps));
  app.use('/api', adminRoutes(deps));
  app.use('/api', integrationRoutes(deps));
  app.use('/api/admin/notifications', notificationRoutes(deps));

  app.use(healthRoutes(deps));
  app.use(observabilityRoutes(deps, metrics));
  app.use(uiRoutes(deps));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
