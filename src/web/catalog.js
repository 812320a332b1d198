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
 * @param {string} code
 * @returns {Promise<Procedure | null>}
 */
export async function procedure(code) {
  const list = await procedures().catch(() => /** @type {Procedure[]} */ ([]));
  return list.find((p) => p.code === code) ?? null;
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
