/** Re-export for route modules: request validation lives with the engine's error types. */
export { parseWith } from '../engine/validate';
