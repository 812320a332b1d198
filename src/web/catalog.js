/** The procedure catalogue (GET /api/procedures), read once per page load. */
import { get } from './api.js';

let all = null;

/** @returns {Promise<any[]>} */
export function procedures() {
  if (!all) {
    all = get('/api/procedures').then(
      (list) => (Array.isArray(list) ? list : (list?.items ?? [])),
      (err) => {
        all = null;
        throw err;
      },
    );
  }
  return all;
}

export async function procedure(code) {
  const list = await procedures().catch(() => []);
  return list.find((p) => p.code === code) ?? null;
}

export function procedureNameOf(view, list = []) {
  return view.procedureName ?? list.find((p) => p.code === view.procedureCode)?.name ?? view.procedureCode;
}

/** lower case, no diacritics: "Đăng ký" → "dang ky" */
export function fold(s) {
  return String(s ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .trim();
}
