/**
 * The Express application: public routes first (health, citizen lookup, API reference, login),
 * then everything else behind authentication. Routers live one capability per file in ./routes.
 */
import express from 'express';
import type { AppDeps } from './deps';
import { errorHandler, notFoundHandler } from './error-handler';
import { requireJson } from './content-type';
import { authenticate } from './authenticate';
import { healthRoutes } from './routes/health';
import { authRoutes } from './routes/auth';
import { publicRoutes } from './routes/public';
import { openapiRoutes } from './routes/openapi';
import { procedureRoutes } from './routes/procedures';
import { dossierRoutes } from './routes/dossiers';
import { formRoutes } from './routes/forms';
import { userRoutes } from './routes/users';
import { calendarRoutes } from './routes/calendar';
import { reportRoutes } from './routes/reports';
import { metricsRoutes } from './routes/metrics';
import { uiRoutes } from './routes/ui';
import { auditRoutes } from './routes/audit';
import { adminRoutes } from './routes/admin';

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requireJson);
  app.use(express.json({ limit: '256kb' }));

  app.use(healthRoutes(deps));
  app.use(uiRoutes(deps));
  app.use('/api', openapiRoutes(deps));
  app.use('/api/public', publicRoutes(deps));
  app.use('/api/auth', authRoutes(deps));

  app.use('/api', authenticate(deps));
  app.use('/api', auditRoutes(deps));
  app.use('/api/procedures', procedureRoutes(deps));
  app.use('/api/dossiers', dossierRoutes(deps));
  app.use('/api/dossiers', formRoutes(deps));
  app.use('/api/users', userRoutes(deps));
  app.use('/api/calendar', calendarRoutes(deps));
  app.use('/api/reports', reportRoutes(deps));
  app.use('/api/metrics', metricsRoutes(deps));
  app.use('/api', adminRoutes(deps));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
