/**
 * GET /api/vocabulary (no login): the domain's words as the web UI needs them — states and which count as
 * open, event types with their labels, timeliness, pause reasons, channels, return methods, outcomes, roles,
 * forms, error and validation-issue codes, notice kinds, message statuses and compliance figures with their Vietnamese labels,
 * the units and the procedures' names (machines/vocabulary.ts, VocabularySchema). The same for
 * every caller; cacheable for a short while.
 */
import { Router } from 'express';
import { vocabulary, VocabularySchema } from '../../../machines/vocabulary';
import type { AppDeps } from '../deps';

export function vocabularyRoutes(_deps: AppDeps): Router {
  const body = VocabularySchema.parse(vocabulary());
  const r = Router();
  r.get('/', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(body);
  });
  return r;
}
