/**
 * GET /api/dossiers/:code/forms/:form: an official form of a dossier as printable HTML
 * (receipt, supplement, refusal, apology, control-slip). 404 for an unknown dossier or form kind, and
 * for a form that does not apply to the dossier (yet); 403 when the user may not read the dossier.
 * The receipt's QR code links to the public lookup page at PUBLIC_BASE_URL, never at the request's Host.
 */
import { Router } from 'express';
import { notFound } from '../../../machines/engine/errors';
import { publicBaseUrl } from '../../config';
import { FORM_KINDS, isFormKind } from '../../forms';
import { FormService } from '../../services/form-service';
import type { AppDeps } from '../deps';
import { userOf } from '../deps';

/** Forms carry personal data and must not run scripts or be cached by shared caches. */
const HEADERS = {
  'Cache-Control': 'private, no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
};

export function formRoutes(deps: AppDeps): Router {
  const service = new FormService(deps.ctx);
  const r = Router();

  r.get('/:code/forms/:form', async (req, res) => {
    const user = userOf(res);
    const { code, form } = req.params;
    if (!isFormKind(form)) {
      throw notFound('biểu mẫu', `${form} (có: ${FORM_KINDS.join(', ')})`);
    }
    const page = await service.render(user, code, form, publicBaseUrl(deps.config));
    res.set(HEADERS).type('html').send(page);
  });

  return r;
}
