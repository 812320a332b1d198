/** The dossier API's zod schemas (defined beside the service that validates with them). */
export * from '../../services/dossier-schemas';
