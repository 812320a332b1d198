/** Re-export for route modules: request validation in the API's 400 shape (src/services/validate.ts). */
export { parseWith } from '../services/validate';
