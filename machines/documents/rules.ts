/**
 * The rules of dossier documents (issue 14), pure: which id a new document gets, what a receipt records about
 * digitisation and when it needs a reason, when a result needs its document, and the per-dossier size limit.
 */
import type { DossierContext, DossierDocument, FileRef, ReceiptDigitisation } from '../dossier/types';
import { MotcuaError, validationFailed, type FieldIssue } from '../engine/errors';

/** What a document rule needs of one of the procedure's required documents. */
export interface RequiredDocumentRule {
  name: string;
  optional?: boolean;
  showOnly?: boolean;
}

/** What the procedure version (and the centre's configuration) say about documents. */
export interface DocumentRules {
  /**
   * the procedure version's required documents, in order (a component is an index into this list); `optional`:
   * brought only when it applies ("(nếu có)"); `showOnly`: the law only asks to see it (xuất trình), so it may be
   * marked shown, not kept
   */
  required: readonly RequiredDocumentRule[];
  digitisation?: { components: boolean; result: boolean };
  /** the largest total of a dossier's current documents, in bytes */
  maxDossierBytes?: number;
}

export function documentsOf(ctx: Pick<DossierContext, 'documents'>): DossierDocument[] {
  return ctx.documents ?? [];
}

export function nextDocumentId(ctx: DossierContext): string {
  return `d${documentsOf(ctx).length + 1}`;
}

export function currentVersion(doc: DossierDocument) {
  return doc.versions[doc.versions.length - 1]!;
}

/** Bytes of the current version of each document. */
export function currentBytes(ctx: DossierContext): number {
  return documentsOf(ctx).reduce((sum, d) => sum + currentVersion(d).file.size, 0);
}

/** 413 when adding `file` (in place of `replacing`, if any) would pass the per-dossier limit. */
export function checkDossierBytes(ctx: DossierContext, file: FileRef, rules: DocumentRules | undefined, replacing?: DossierDocument): void {
  if (!rules?.maxDossierBytes) return;
  const total = currentBytes(ctx) - (replacing ? currentVersion(replacing).file.size : 0) + file.size;
  if (total > rules.maxDossierBytes)
    throw new MotcuaError('PAYLOAD_TOO_LARGE', `Tổng dung lượng tài liệu của hồ sơ vượt quá ${rules.maxDossierBytes} byte`, {
      limit: rules.maxDossierBytes,
      total,
    });
}

export function checkComponent(component: number | undefined, rules: DocumentRules | undefined, field = 'component'): number {
  if (component === undefined) throw validationFailed([{ field, code: 'required', reason: 'required for a component of the application' }]);
  if (rules && component >= rules.required.length)
    throw validationFailed([
      { field, reason: `the procedure has ${rules.required.length} required documents (0–${rules.required.length - 1})` },
    ]);
  return component;
}

/**
 * Only a document the procedure flags `showOnly` (the law asks only to see it: xuất trình) may be marked shown,
 * not kept: any other one is kept in the dossier and so must be scanned or have its absence explained. 400 naming
 * `shownComponents.N` for an index the procedure does not have or a document it does not flag.
 */
export function checkShownComponents(rules: DocumentRules, shownComponents: readonly number[]): void {
  const issues: FieldIssue[] = [];
  shownComponents.forEach((i, n) => {
    const doc = rules.required[i];
    if (!doc)
      issues.push({
        field: `shownComponents.${n}`,
        reason: `the procedure has ${rules.required.length} required documents (0–${rules.required.length - 1})`,
      });
    else if (doc.showOnly !== true)
      issues.push({
        field: `shownComponents.${n}`,
        code: 'not_show_only',
        reason: `"${doc.name}" is kept in the dossier: the procedure does not say it is only shown (xuất trình), so scan it or give the reason`,
      });
  });
  if (issues.length)
    throw validationFailed(issues, 'Chỉ giấy tờ thủ tục quy định "xuất trình" mới được đánh dấu chỉ xuất trình, không lưu');
}

/**
 * What RECEIVE records: of the procedure's required documents, those the receipt must have digitised and how many
 * have a stored file. A dossier is digitised when every document it has is: an optional document ("(nếu có)") on
 * the submission's paper list (`papers`, SUBMIT's `documents`, matched by name) was brought, so without a file it is
 * missing like any other; one neither on the list nor stored is taken as not brought: it is listed in
 * `optionalAbsent`, is not among those to digitise (`required`), needs no reason and does not count against the
 * digitisation rate. A document the procedure flags `showOnly` that the clerk marks shown, not kept
 * (`shownComponents`, checked by `checkShownComponents`) and did not scan is listed in `shown` and likewise left out.
 * When the procedure requires digitisation, a receipt with any other document missing needs the reason (400 naming
 * `digitisationNote` otherwise).
 */
export function receiptDigitisation(
  ctx: Pick<DossierContext, 'documents'>,
  rules: DocumentRules,
  note: string | undefined,
  shownComponents: readonly number[] = [],
  papers: readonly { name: string }[] = [],
): ReceiptDigitisation {
  checkShownComponents(rules, shownComponents);
  const components = documentsOf(ctx).filter((d) => d.kind === 'component' && d.component !== null);
  const present = new Set(components.map((d) => d.component!));
  const reused = new Set(components.filter((d) => d.versions[0]!.reusedFrom !== null).map((d) => d.component!));
  // a document shown, not kept (xuất trình) and not scanned is not in the dossier: nothing to digitise
  const shown = [...new Set(shownComponents)].filter((i) => !present.has(i)).sort((a, b) => a - b);
  const absent = rules.required.map((_, i) => i).filter((i) => !present.has(i) && !shown.includes(i));
  // an optional paper on the submission's paper list was brought: it is in the dossier, on paper only unless scanned
  const brought = new Set(papers.map((p) => normalisedName(p.name)));
  const notBrought = (i: number) => rules.required[i]!.optional === true && !brought.has(normalisedName(rules.required[i]!.name));
  const optionalAbsent = absent.filter(notBrought);
  const missing = absent.filter((i) => !notBrought(i));
  if (rules.digitisation?.components && missing.length > 0 && !note) {
    const names = missing.map((i) => `${i} (${rules.required[i]!.name})`).join(', ');
    throw validationFailed(
      [
        {
          field: 'digitisationNote',
          code: 'required',
          reason: `this procedure requires every required document digitised at receipt; missing: ${names}. Attach them or give the reason`,
        },
      ],
      'Thủ tục yêu cầu số hóa thành phần hồ sơ: hãy đính kèm bản quét hoặc ghi lý do',
    );
  }
  const toDigitise = rules.required.length - optionalAbsent.length - shown.length;
  return {
    required: toDigitise,
    digitised: toDigitise - missing.length,
    reused: [...reused].filter((i) => i < rules.required.length).length,
    missing,
    reason: missing.length > 0 ? (note ?? null) : null,
    ...(optionalAbsent.length > 0 ? { optionalAbsent } : {}),
    ...(shown.length > 0 ? { shown } : {}),
  };
}

/** A result of a procedure that requires a digitised result is recorded with its document (400 naming `document`). */
export function checkResultDocument(hasDocument: boolean, rules: DocumentRules | undefined): void {
  if (rules?.digitisation?.result && !hasDocument)
    throw validationFailed(
      [{ field: 'document', code: 'required', reason: 'this procedure requires the digitised result document with the result' }],
      'Thủ tục yêu cầu số hóa kết quả: hãy đính kèm văn bản kết quả',
    );
}

/** The document rules of a procedure definition (with the centre's per-dossier limit). */
export function documentRulesOf(
  def: { requiredDocuments: readonly RequiredDocumentRule[]; digitisation?: { components: boolean; result: boolean } },
  maxDossierBytes?: number,
): DocumentRules {
  return {
    required: def.requiredDocuments.map((d) => ({
      name: d.name,
      ...(d.optional ? { optional: true } : {}),
      ...(d.showOnly ? { showOnly: true } : {}),
    })),
    ...(def.digitisation ? { digitisation: def.digitisation } : {}),
    ...(maxDossierBytes !== undefined ? { maxDossierBytes } : {}),
  };
}

/** A document's name as compared: case, spacing and Unicode form do not count. */
export function normalisedName(name: string): string {
  return name.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The kind of a required document: its `kind` code, else its name normalised (case, spacing, Unicode form). */
export function documentKindOf(doc: { name: string; kind?: string }): string {
  return doc.kind ?? normalisedName(doc.name);
}

/** When a digitised copy attached at `attachedAt` stops being reusable (null: never), per its required document. */
export function reuseExpiresAt(doc: { validMonths?: number }, attachedAt: string): string | null {
  if (!doc.validMonths) return null;
  const d = new Date(attachedAt);
  d.setUTCMonth(d.getUTCMonth() + doc.validMonths);
  return d.toISOString();
}

/**
 * null when a component document of kind `source` attached at `attachedAt` may be reused as the target's
 * required document at `now`, else the 400 issue: `kind_mismatch` naming `component`, `expired` naming `source`.
 */
export function whyNotReusable(
  source: { name: string; kind?: string; validMonths?: number } | undefined,
  target: { name: string; kind?: string },
  attachedAt: string,
  now: string,
): FieldIssue | null {
  if (!source || documentKindOf(source) !== documentKindOf(target))
    return {
      field: 'component',
      code: 'kind_mismatch',
      reason: `the earlier document is ${source ? `"${source.name}"` : 'of no known kind'}, not "${target.name}"`,
    };
  const expires = reuseExpiresAt(source, attachedAt);
  if (expires !== null && expires <= now)
    return {
      field: 'source.documentId',
      code: 'expired',
      reason: `the digitised copy was valid until ${expires} (${source.validMonths} months)`,
    };
  return null;
}

/** The files an event references (each becomes a document_refs row in the event's transaction). */
export function filesOfEvent(
  type: string,
  payload: Record<string, unknown>,
): { documentId: string; version: number; kind: string; file: FileRef }[] {
  const p = payload as {
    documentId?: string;
    version?: number;
    kind?: string;
    file?: FileRef;
    document?: { documentId: string; file: FileRef };
  };
  switch (type) {
    case 'ATTACH_DOCUMENT':
      return [{ documentId: p.documentId!, version: 1, kind: p.kind!, file: p.file! }];
    case 'REUSE_DOCUMENT':
      return [{ documentId: p.documentId!, version: 1, kind: 'component', file: p.file! }];
    case 'REPLACE_DOCUMENT':
      return [{ documentId: p.documentId!, version: p.version!, kind: 'replaced', file: p.file! }];
    case 'RECORD_RESULT':
      return p.document ? [{ documentId: p.document.documentId, version: 1, kind: 'result', file: p.document.file }] : [];
    case 'CORRECT_RESULT': {
      const d = p.document as { documentId: string; version: number; file: FileRef } | undefined;
      return d ? [{ documentId: d.documentId, version: d.version, kind: 'corrected', file: d.file }] : [];
    }
    default:
      return [];
  }
}

/** Event types whose payload may reference a stored file (those `filesOfEvent` reads): the others' payloads need not be parsed for files. */
export const FILE_EVENTS: ReadonlySet<string> = new Set([
  'ATTACH_DOCUMENT',
  'REUSE_DOCUMENT',
  'REPLACE_DOCUMENT',
  'RECORD_RESULT',
  'CORRECT_RESULT',
]);

/** Event types that carry files or read the procedure's document rules. */
export const DOCUMENT_RULE_EVENTS: readonly string[] = [
  'RECEIVE',
  'RECORD_RESULT',
  'ATTACH_DOCUMENT',
  'REPLACE_DOCUMENT',
  'REUSE_DOCUMENT',
  'CORRECT_RESULT',
];
