/** The procedure catalogue (GET /api/procedures), read once per page load. */
import { get } from './api.js';
/** @import { DossierView, Procedure } from './types.js' */

/** @type {Promise<Procedure[]> | null} */
let all = null;

/** @returns {Promise<Procedure[]>} */
export function procedures() {
  if (!all) {
    all = get('/api/procedures').then(
      (/** @type {Procedure[] | {items?: Procedure[]} | null} */ list) => (Array.isArray(list) ? list : (list?.items ?? [])),
      (/** @type {unknown} */ err) => {
        all = null;
        throw err;
      },
    );
  }
  return all;
}

/**
 * The latest version of a procedure in the catalogue (for a new submission; a dossier's own is `procedureOf`).
 * @param {string} code
 * @returns {Promise<Procedure | null>}
 */
export async function procedure(code) {
  const list = await procedures().catch(() => /** @type {Procedure[]} */ ([]));
  return list.find((p) => p.code === code) ?? null;
}

/** @type {Map<string, Promise<Procedure | null>>} */
const versions = new Map();

/**
 * The procedure version a dossier was received under (GET /api/procedures/{code}?version=N): its steps, documents and
 * terms, which a later version may have changed. Cached per code and version (a published version never changes).
 * @param {Pick<DossierView, 'procedureCode' | 'procedureVersion'>} view
 * @returns {Promise<Procedure | null>}
 */
export function procedureOf(view) {
  const key = `${view.procedureCode}@${view.procedureVersion}`;
  let found = versions.get(key);
  if (!found) {
    found = get(`/api/procedures/${encodeURIComponent(view.procedureCode)}?version=${view.procedureVersion}`).then(
      (/** @type {Procedure} */ p) => p,
      () => {
        versions.delete(key);
        return null;
      },
    );
    versions.set(key, found);
  }
  return found;
}

/**
 * @param {Pick<DossierView, 'procedureName' | 'procedureCode'>} view
 * @param {{code: string, name: string}[]} [list]
 */
export function procedureNameOf(view, list = []) {
  return view.procedureName ?? list.find((p) => p.code === view.procedureCode)?.name ?? view.procedureCode;
}

/** lower case, no diacritics: "Đăng ký" → "dang ky" */
/** @param {string | null | undefined} s */
export function fold(s) {
  return String(s ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .trim();
}
