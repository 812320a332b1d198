/**
 * The staff web UI and the citizens' lookup page: static files from src/web (plain HTML, CSS and ES
 * modules, no build step), a client of the public REST API only.
 *
 *   /            the staff app shell (src/web/index.html)
 *   /ui/...      its assets (scripts, styles, views)
 *   /tra-cuu     the public status lookup page (calls GET /api/public/dossiers/{code}?verify=NNNN)
 *   /xem-tep     the file viewer tab (a dossier's stored file shown with the browser's own viewer; VIEWER_CSP)
 *
 * Every page and asset carries a Content-Security-Policy that allows only this origin: no inline
 * script or style, nothing from elsewhere. Printable forms are fetched with the bearer token and
 * opened as blob: documents, which inherit this policy (Chromium does); so the app moves a form's
 * <style> into a blob: stylesheet it creates itself (src/web/print.js), which is why style-src and
 * img-src also name blob: — only this origin's own scripts can mint blob: URLs for this origin.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { Router, type Response } from 'express';
import type { AppDeps } from '../deps';

export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' blob:",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The file viewer tab (/xem-tep, src/web/viewer.js): the app's policy, except that the stored file it shows (a
 * blob: URL it makes, which inherits this policy) may be framed, and that the browser's own PDF viewer may style
 * itself inline (under the app's policy it renders nothing). Scripts stay this origin's only.
 */
export const VIEWER_CSP = UI_CSP.replace("style-src 'self' blob:", "style-src 'self' blob: 'unsafe-inline'").replace(
  "object-src 'none'",
  "object-src 'none'; frame-src blob:",
);

/** The folder holding package.json, found by walking up from `start` (works from ts-jest and from dist/). */
export function findProjectRoot(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${start}`);
    dir = parent;
  }
}

export function webRoot(): string {
  return path.join(findProjectRoot(), 'src', 'web');
}

function secure(res: Response, csp = UI_CSP): void {
  res.set('Content-Security-Policy', csp);
  res.set('X-Content-Type-Options', 'nosniff');
  res.set('Referrer-Policy', 'no-referrer');
  res.set('X-Frame-Options', 'DENY');
}

export function uiRoutes(_deps: AppDeps): Router {
  const root = webRoot();
  const r = Router();

  const page =
    (file: string, csp = UI_CSP) =>
    (_req: express.Request, res: Response) => {
      secure(res, csp);
      res.set('Cache-Control', 'no-cache');
      res.type('html').sendFile(path.join(root, file));
    };

  r.get('/', page('index.html'));
  r.get(['/tra-cuu', '/tra-cuu/'], page('tra-cuu.html'));
  r.get('/xem-tep', page('viewer.html', VIEWER_CSP));

  r.use(
    '/ui',
    (_req, res, next) => {
      secure(res);
      next();
    },
    express.static(root, {
      index: false,
      dotfiles: 'ignore',
      fallthrough: true,
      redirect: false,
      // revalidate every time (ETag): staff get a fix as soon as it is deployed, with no build step
      cacheControl: true,
      maxAge: 0,
      setHeaders: (res) => {
        res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );
  return r;
}
