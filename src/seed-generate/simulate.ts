/**
 * Builds one dossier exactly as the engine would have written it: the submission through
 * `startSubmission`, every staff command through `stampCommand` and `stepChart` (the engine's own
 * calls; test/seed-generate replays them through the engine), and between two
 * commands the deadline sweeper's events at the moments the sweeper would have sent them
 * (`nextCheckAt` says when it looks, `deadlineEventAt` what it sends, `deadlineEvent` the event), up
 * to the end of the history. The events are hash-chained once with `chainEvents` and the row is
 * projected once from the final snapshot (`dossierRow`): intermediate rows are never stored, and the
 * final one equals the engine's after the same events.
 */
import { type Channel, type DossierSnapshot } from '../../machines/dossier';
import type { ProcedureDefinition } from '../../machines/procedures';
import type { Calendar } from '../../machines/calendar';
import { GENESIS_HASH } from '../../machines/engine/hash';
import type { Submission } from '../../machines/engine/commands';
import { deadlineEventAt, nextCheckAt } from '../../machines/engine/deadline-check';
import {
  chainEvents,
  deadlineEvent,
  dossierCode,
  dossierRow,
  pendingOf,
  startSubmission,
  stepChart,
  type FullRow,
  type SubmissionInput,
} from '../../machines/engine/plan';
import { stampCommand } from '../../machines/engine/stamp';
import { documentRulesOf, filesOfEvent } from '../../machines/documents/rules';
import type { EventRow } from '../store/dossier-store';
import { actorOf, type Centre } from './centres';
import { DOCUMENT_RATES, drawScenario, FILE_SIZES } from './mix';
import { applicant } from './people';
import { Rng, seededUuidV7 } from './prng';
import { Story, type StoryDocuments } from './story';
import { planOfChain } from './documents';
import type { FileMaker, FileSpec } from './files';

/** Everything a dossier's story depends on besides its own seed. */
export interface World {
  seed: string;
  cal: Calendar;
  procedures: ReadonlyMap<string, ProcedureDefinition>;
  centres: readonly Centre[];
  chartVersion: number;
  thresholdMs: number;
  /** the history ends here (Unix ms): nothing happens at or after it */
  endMs: number;
  /** the generated files (scans, result documents) */
  files: FileMaker;
}

/** One submission of the schedule (./arrivals.ts). */
export interface DossierSeed {
  centre: number;
  /** position among the centre's dossiers, in submission order */
  index: number;
  atMs: number;
  channel: Channel;
  procedureCode: string;
  /** the daily sequence number of its code */
  seq: number;
  /** the applicant: the centre-local index of the applicant's first dossier at this centre */
  person: number;
  /** the applicant's earlier dossiers at this centre, oldest first (their own `earlier` left empty) */
  earlier: DossierSeed[];
}

/** A `document_refs` row without its id, as the engine writes it in the event's transaction. */
export interface RefRow {
  dossier_id: string;
  seq: number;
  document_id: string;
  document_version: number;
  sha256: string;
  size: number;
  media_type: string;
  kind: string;
  at: string;
}

export interface BuiltDossier {
  row: FullRow;
  events: EventRow[];
  /** the files its events reference, one row each (document_refs) */
  refs: RefRow[];
  /** who first referenced each file, for its blobs row: the upload's instant and user */
  firstBy: Map<string, string>;
  /** the bytes of the files it brought into the store (scans, result), when the world keeps them (`--files`) */
  specs: { sha256: string; spec: FileSpec }[];
}

/**
 * The sweeper runs every minute: it sees a dossier at the first whole minute from its next_check_at,
 * and never in the same instant as the dossier's last event (a moment already past is seen at the next minute).
 */
function sweepMoment(nextCheck: string, now: number): number {
  const at = Math.ceil(Date.parse(nextCheck) / 60_000) * 60_000;
  return at > now ? at : (Math.floor(now / 60_000) + 1) * 60_000;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function buildDossier(world: World, seed: DossierSeed): BuiltDossier {
  const { cal, thresholdMs, endMs } = world;
  const rng = new Rng(`${world.seed}|dossier|${seed.centre}|${seed.index}`);
  const centre = world.centres[seed.centre]!;
  const def = world.procedures.get(seed.procedureCode);
  if (!def) throw new Error(`procedure ${seed.procedureCode} is not in the database`);
  const clerk = rng.pick(centre.clerks);
  const plan = planOfChain(world, world.files, [...seed.earlier, seed]);
  const documents = def.requiredDocuments.filter((_, i) => plan.brought[i]).map((d) => ({ name: d.name, copies: d.copies }));
  // Reuse happens before the receipt: at the counter the clerk then registers the dossier, reuses, and receives.
  const atOnce = seed.channel === 'counter' && plan.reuses.length === 0;
  const receipt = {
    ...(plan.note ? { digitisationNote: plan.note } : {}),
    ...(plan.shown.length ? { shownComponents: plan.shown } : {}),
  };
  const sub: Submission = {
    procedureCode: def.code,
    channel: seed.channel,
    applicant: applicant(new Rng(`${world.seed}|person|${seed.centre}|${seed.person}`), centre.place),
    documents,
    ...(seed.channel === 'counter' && !atOnce ? { receiveAtOnce: false } : {}),
    ...(plan.attachments.length
      ? { attachments: plan.attachments.map((a) => ({ component: a.component, sha256: a.file.sha256, name: a.file.name })) }
      : {}),
    ...(atOnce ? receipt : {}),
  };
  const at = iso(seed.atMs);
  const input: SubmissionInput = {
    id: seededUuidV7(seed.atMs, rng),
    code: dossierCode(centre.agencyCode, at, seed.seq),
    agencyCode: centre.agencyCode,
    def,
    sub,
    actor: actorOf(clerk),
    at,
    chartVersion: world.chartVersion,
    cal,
    files: plan.attachments.map((a) => a.file),
  };
  const specs: BuiltDossier['specs'] = plan.attachments.flatMap((a) => (a.spec ? [{ sha256: a.file.sha256, spec: a.spec }] : []));
  const resultRng = new Rng(`${world.seed}|result-file|${seed.centre}|${seed.index}`);
  const docs: StoryDocuments = {
    reuses: plan.reuses,
    receipt,
    resultFile: (number) => {
      const size = FILE_SIZES.resultPdf;
      const made = world.files.make(resultRng, 'application/pdf', resultRng.logNormal(size.median, size.sigma), `${input.code}_KQ.pdf`, [
        `Ho so ${input.code}`,
        `${def.resultDocument} so ${number}`,
      ]);
      if (made.spec) specs.push({ sha256: made.ref.sha256, spec: made.spec });
      return { file: made.ref, form: resultRng.chance(DOCUMENT_RATES.electronicOriginal) ? 'electronic_original' : 'digitised_copy' };
    },
    resultRequired: def.digitisation?.result === true,
  };
  const started = startSubmission(input);
  const { chart, pending } = started;
  let snap: DossierSnapshot = started.snapshot;
  const story = new Story(
    drawScenario(rng, snap.context.procedure, seed.channel),
    rng,
    centre,
    cal,
    clerk,
    seed.atMs,
    documents.map((d) => d.name),
    docs,
  );

  let now = seed.atMs;
  for (;;) {
    const action = story.next(snap, now);
    const until = action ? Math.min(action.at, endMs) : endMs;
    // The sweeper's events due before the next command (and before the end of the history).
    for (;;) {
      const check = nextCheckAt(snap, cal, thresholdMs);
      if (check === null) break;
      const sweepAt = sweepMoment(check, now);
      if (sweepAt >= until) break;
      const type = deadlineEventAt(snap, iso(sweepAt), cal, thresholdMs);
      if (type === null) break; // the sweeper would only refresh next_check_at
      const event = deadlineEvent(snap, type, iso(sweepAt), cal);
      snap = stepChart(chart, snap, event);
      pending.push(pendingOf(event));
      now = sweepAt;
    }
    if (!action || action.at >= endMs) break;
    const event = stampCommand(action.cmd, snap.context, iso(action.at), action.actor, cal, {
      documents: documentRulesOf(def),
      papers: documents,
    });
    snap = stepChart(chart, snap, event);
    pending.push(pendingOf(event));
    story.applied(action);
    now = action.at;
  }
  const events = chainEvents(input.id, input.chartVersion, GENESIS_HASH, 0, pending);
  const refs: RefRow[] = [];
  const firstBy = new Map<string, string>();
  pending.forEach((p, i) => {
    for (const f of filesOfEvent(p.type, p.payload)) {
      refs.push({
        dossier_id: input.id,
        seq: i + 1,
        document_id: f.documentId,
        document_version: f.version,
        sha256: f.file.sha256,
        size: f.file.size,
        media_type: f.file.mediaType,
        kind: f.kind,
        at: p.at,
      });
      if (!firstBy.has(f.file.sha256)) firstBy.set(f.file.sha256, p.by.username);
    }
  });
  // a result document made for a result the history's end cut off is referenced by nothing: not written
  return {
    row: dossierRow(input, chart, snap, events, thresholdMs),
    events,
    refs,
    firstBy,
    specs: specs.filter((x) => firstBy.has(x.sha256)),
  };
}

/** The figures the summary counts for one built dossier. */
export interface DossierFacts {
  state: string;
  open: boolean;
  late: boolean;
  apologised: boolean;
  supplemented: boolean;
  paused: boolean;
  /** received, and with every required document digitised at receipt / some reused */
  received: boolean;
  receiptDigitised: boolean;
  receiptReused: boolean;
  /** a result recorded, and digitised */
  result: boolean;
  resultDigitised: boolean;
}

export function factsOf(b: BuiltDossier): DossierFacts {
  const r = b.row;
  const state = r.state;
  return {
    state,
    open: r.closed_at === null,
    late: r.final_timeliness === 'late' || r.timeliness === 'overdue',
    apologised: r.apology_count > 0,
    supplemented: r.supplement_count > 0,
    paused: b.events.some((e) => e.type === 'PAUSE'),
    received: r.received_at !== null,
    receiptDigitised: r.receipt_digitised === true,
    receiptReused: r.receipt_reused === true,
    result: r.result_digitised !== null,
    resultDigitised: r.result_digitised === true,
  };
}
