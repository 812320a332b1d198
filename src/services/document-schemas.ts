/**
 * Response shapes of the documents API (issue 14): the upload's answer, a dossier's documents with their
 * versions, and the reuse offer. With machines/engine/commands.ts (the request fields) these zod schemas are
 * the single source: the service's types are inferred from them and the OpenAPI document is generated from them.
 */
import { z } from 'zod';
import { DOCUMENT_KINDS, RESULT_FORMS } from '../../machines/dossier/types';

const instant = z.string().describe('ISO-8601 instant in UTC');
const sha256 = z.string().describe('SHA-256 of the file, 64 lower-case hex digits');
const mediaType = z.string().describe('the type detected from the bytes (application/pdf, image/jpeg, image/png, application/xml …)');

export const UploadedFileSchema = z.object({
  sha256: sha256.describe('name the file by this in ATTACH_DOCUMENT, REPLACE_DOCUMENT, RECORD_RESULT or a submission’s attachments'),
  size: z.int().describe('bytes'),
  mediaType,
});

export const ResumableUploadStateSchema = z
  .object({
    offset: z.int().describe('bytes received so far (Upload-Offset)'),
    length: z.int().describe('the whole file, as declared at creation (Upload-Length)'),
    expiresAt: instant.describe('when an upload left unfinished is removed (Upload-Expires); moves with every chunk'),
    file: UploadedFileSchema.nullable().describe('once every byte arrived and passed the checks: the stored file, to name in an event'),
  })
  .describe('a resumable upload (tus), as its creator sees it');

export const UploadLimitsSchema = z
  .object({
    types: z
      .array(
        z.object({
          mediaType,
          extensions: z.array(z.string()).describe('usual name endings, without the dot: a hint for a file dialog; the bytes still decide'),
        }),
      )
      .describe('the accepted types (MOTCUA_UPLOAD_TYPES), in the configured order'),
    maxFileBytes: z.int().describe('the largest accepted file, in bytes (MOTCUA_UPLOAD_MAX_FILE_BYTES)'),
  })
  .describe('what POST /api/uploads accepts, as configured');

export const DocumentSourceSchema = z
  .object({ dossierCode: z.string(), documentId: z.string(), version: z.int() })
  .describe('the earlier dossier’s document (and version) a reused document points at');

export const FileRefSchema = z.object({
  sha256,
  size: z.int(),
  mediaType,
  name: z.string().describe('the name shown and downloaded under'),
});

export const DocumentVersionSchema = z.object({
  version: z.int().describe('1, 2, … — REPLACE_DOCUMENT adds one; none is overwritten'),
  name: z.string(),
  sha256,
  size: z.int(),
  mediaType,
  at: instant,
  by: z.string().describe('username of who attached this version'),
  reason: z.string().nullable().describe('why this version replaced the previous one (null for the first)'),
  reusedFrom: DocumentSourceSchema.nullable().describe('set when attached by REUSE_DOCUMENT'),
  inline: z
    .boolean()
    .describe(
      'the file route serves it inline (PDF, JPEG, PNG), so the web UI offers to view it in the browser; any other type is an attachment',
    ),
});

export const DocumentSchema = z.object({
  id: z.string().describe('d1, d2, … in the order attached'),
  kind: z.enum(DOCUMENT_KINDS),
  component: z.int().nullable().describe('kind component: the index of the procedure’s required document'),
  form: z.enum(RESULT_FORMS).nullable().describe('kind result: electronic original (the applicant may download it) or digitised copy'),
  versions: z.array(DocumentVersionSchema).describe('oldest first; the last is the current one'),
});
export const DocumentListSchema = z.array(DocumentSchema);

export const ReusableDocumentSchema = z.object({
  source: DocumentSourceSchema,
  component: z.int(),
  componentName: z.string().nullable().describe('the required document’s name in the earlier dossier’s procedure'),
  procedureCode: z.string(),
  file: FileRefSchema,
  at: instant,
  expiresAt: instant
    .nullable()
    .describe('when this copy stops being reusable (its required document’s validMonths after it was attached); null: never'),
  reusableAs: z.array(z.int()).describe('the components of this dossier’s procedure it may be reused as now (same kind, not expired)'),
});
export const ReusableDocumentListSchema = z.array(ReusableDocumentSchema);

export type UploadedFileDto = z.infer<typeof UploadedFileSchema>;
export type ResumableUploadStateDto = z.infer<typeof ResumableUploadStateSchema>;
export type UploadLimitsDto = z.infer<typeof UploadLimitsSchema>;
export type DocumentDtoShape = z.infer<typeof DocumentSchema>;
export type ReusableDocumentDtoShape = z.infer<typeof ReusableDocumentSchema>;
