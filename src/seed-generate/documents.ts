/**
 * One dossier's documents at filing (issue 14): which required documents the applicant brings, which are only
 * shown (those the catalogue flags `showOnly`), which are scanned (attached with the submission, as
 * `POST /api/dossiers` attaches its uploads before the receipt), which are reused by reference from the
 * applicant's earlier dossier at this centre (REUSE_DOCUMENT before the receipt, the only reuse the rate counts),
 * and the clerk's reason when some are missing.
 *
 * A dossier's plan is drawn from its own seeded generator and the scans its applicant's earlier dossiers hold, so
 * a later dossier of the same applicant can recompute it exactly (its earlier dossiers come with its seed): a
 * reuse always names a document the earlier dossier really holds, with that document's own file.
 */
import type { FileRef } from '../../machines/dossier/types';
import type { ProcedureDefinition } from '../../machines/procedures';
import { documentKindOf } from '../../machines/documents/rules';
import { dossierCode } from '../../machines/engine/plan';
import type { FileMaker, FileSpec, GeneratedType } from './files';
import { DOCUMENT_RATES, FILE_SIZES, MISSING_SCAN_REASONS } from './mix';
import { Rng } from './prng';
import type { DossierSeed, World } from './simulate';

/** A scan an applicant's dossier holds, by kind: what a later dossier of the same applicant may reuse. */
export interface Original {
  dossierCode: string;
  documentId: string;
  file: FileRef;
}

export interface DocumentPlan {
  /** the required documents brought (index into the procedure's list) */
  brought: boolean[];
  /** scanned and attached with the submission, in this order (document ids d1, d2, …) */
  attachments: { component: number; file: FileRef; spec?: FileSpec }[];
  /** reused by reference before the receipt, in this order */
  reuses: { component: number; source: { dossierCode: string; documentId: string; version: number }; file: FileRef }[];
  /** shown, not kept (xuất trình) */
  shown: number[];
  /** the clerk's reason when a non-optional document is not digitised */
  note: string | undefined;
  /** the applicant's scans by kind after this dossier (the earlier ones', replaced by this one's) */
  originalsAfter: Map<string, Original>;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function codeOf(world: World, seed: DossierSeed): string {
  return dossierCode(world.centres[seed.centre]!.agencyCode, iso(seed.atMs), seed.seq);
}

function procedureOf(world: World, code: string): ProcedureDefinition {
  const def = world.procedures.get(code);
  if (!def) throw new Error(`procedure ${code} is not in the database`);
  return def;
}

/** A scanned file: a PDF scan mostly, a photo (PNG) sometimes; named after the dossier and the component. */
export function scanFile(files: FileMaker, rng: Rng, seed: DossierSeed, code: string, component: number, docName: string) {
  const png = rng.chance(DOCUMENT_RATES.png[seed.channel]);
  const type: GeneratedType = png ? 'image/png' : 'application/pdf';
  const size = png ? FILE_SIZES.photoPng : FILE_SIZES.scanPdf;
  return files.make(rng, type, rng.logNormal(size.median, size.sigma), `${code}_TP${component + 1}.${png ? 'png' : 'pdf'}`, [
    `Ho so ${code}`,
    `Thanh phan ${component + 1}: ${docName}`,
  ]);
}

/** The plan of `seed`'s dossier, given the scans its applicant's earlier dossiers hold. */
export function planDocuments(world: World, files: FileMaker, seed: DossierSeed, originals: ReadonlyMap<string, Original>): DocumentPlan {
  const rng = new Rng(`${world.seed}|documents|${seed.centre}|${seed.index}`);
  const def = procedureOf(world, seed.procedureCode);
  const code = codeOf(world, seed);
  const required = def.requiredDocuments;
  const brought = required.map((d) => !d.optional || rng.chance(DOCUMENT_RATES.optionalBrought));
  const shown = required.flatMap((d, i) => (brought[i] && d.showOnly && rng.chance(DOCUMENT_RATES.shownOnly) ? [i] : []));
  const candidates = required.flatMap((_, i) => (brought[i] && !shown.includes(i) ? [i] : []));
  let filed = candidates;
  if (!rng.chance(DOCUMENT_RATES.complete[seed.channel])) {
    if (rng.chance(DOCUMENT_RATES.partialOfIncomplete) && candidates.length > 1) {
      const leaveOut = 1 + rng.int(candidates.length - 1);
      const start = rng.int(candidates.length);
      const out = new Set(Array.from({ length: leaveOut }, (_, k) => candidates[(start + k) % candidates.length]!));
      filed = candidates.filter((i) => !out.has(i));
    } else filed = [];
  }
  const attachments: DocumentPlan['attachments'] = [];
  const reuses: DocumentPlan['reuses'] = [];
  const originalsAfter = new Map(originals);
  const own: { kind: string; component: number }[] = [];
  for (const i of filed) {
    const kind = documentKindOf(required[i]!);
    const earlier = originals.get(kind);
    if (earlier && rng.chance(DOCUMENT_RATES.reuse)) {
      reuses.push({
        component: i,
        source: { dossierCode: earlier.dossierCode, documentId: earlier.documentId, version: 1 },
        file: earlier.file,
      });
      continue;
    }
    const made = scanFile(files, rng, seed, code, i, required[i]!.name);
    attachments.push({ component: i, file: made.ref, ...(made.spec ? { spec: made.spec } : {}) });
    own.push({ kind, component: i });
  }
  own.forEach((o, k) => originalsAfter.set(o.kind, { dossierCode: code, documentId: `d${k + 1}`, file: attachments[k]!.file }));
  // a brought paper not scanned is missing, optional or not (receiptDigitisation reads the paper list)
  const missing = candidates.some((i) => !filed.includes(i));
  const note =
    missing && (def.digitisation?.components || rng.chance(DOCUMENT_RATES.missingReason)) ? rng.pick(MISSING_SCAN_REASONS) : undefined;
  return { brought, attachments, reuses, shown, note, originalsAfter };
}

/** The plan of the last of `chain` (an applicant's dossiers at one centre, oldest first), folding over the earlier ones. */
export function planOfChain(world: World, files: FileMaker, chain: readonly DossierSeed[]): DocumentPlan {
  let originals: ReadonlyMap<string, Original> = new Map();
  let plan: DocumentPlan | null = null;
  for (const s of chain) {
    plan = planDocuments(world, files, s, originals);
    originals = plan.originalsAfter;
  }
  if (!plan) throw new Error('an empty chain of dossiers');
  return plan;
}
