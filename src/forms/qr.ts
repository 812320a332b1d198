/**
 * The QR code printed on the receipt: it encodes only the public lookup link `/tra-cuu?ma=<code>`
 * (never the applicant's name, ID number or phone), drawn as inline SVG from the `qrcode` package's
 * module matrix, synchronously, so rendering a form stays a pure function.
 */
import { create } from 'qrcode';
import { raw, type SafeHtml } from './layout';

const QUIET_ZONE = 4;

/**
 * The citizen lookup link for a dossier. `baseUrl` must be an http(s) origin, optionally with a
 * path prefix; anything else (a query, a fragment, credentials) is refused with a RangeError.
 */
export function lookupUrl(baseUrl: string, code: string): string {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new RangeError(`invalid base URL ${JSON.stringify(baseUrl)}`);
  }
  if (!['http:', 'https:'].includes(base.protocol) || base.search || base.hash || base.username || base.password) {
    throw new RangeError(`invalid base URL ${JSON.stringify(baseUrl)}: expected an http(s) origin`);
  }
  const prefix = `${base.origin}${base.pathname}`.replace(/\/+$/, '');
  return `${prefix}/tra-cuu?ma=${encodeURIComponent(code)}`;
}

/** Pure. An SVG QR code (error correction M) of `text`; dark modules are merged into horizontal runs. */
export function qrSvg(text: string): SafeHtml {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  const side = n + 2 * QUIET_ZONE;
  let d = '';
  for (let row = 0; row < n; row++) {
    let col = 0;
    while (col < n) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && modules.get(row, col)) col++;
      d += `M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${col - start}v1h-${col - start}z`;
    }
  }
  // Only numbers and fixed markup reach this string; `text` is encoded in the modules, not printed.
  return raw(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges" role="img" aria-label="Mã QR tra cứu hồ sơ">` +
      `<rect width="${side}" height="${side}" fill="#fff"/><path fill="#000" d="${d}"/></svg>`,
  );
}
