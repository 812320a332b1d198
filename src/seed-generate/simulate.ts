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
import { documentRulesOf } from '../../machines/documents/rules';
import type { EventRow } from '../store/dossier-store';
import { actorOf, type Centre } from './centres';
import { drawScenario } from './mix';
import { applicant } from './people';
import { Rng, seededUuidV7 } from './prng';
import { Story } from './story';

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
}

export interface BuiltDossier {
  row: FullRow;
  events: EventRow[];
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
  const documents = def.requiredDocuments
    .filter((d, i) => i === 0 || d.original || rng.chance(0.6))
    .map((d) => ({ name: d.name, copies: d.copies }));
  const sub: Submission = { procedureCode: def.code, channel: seed.channel, applicant: applicant(rng, centre.place), documents };
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
    const event = stampCommand(action.cmd, snap.context, iso(action.at), action.actor, cal, { documents: documentRulesOf(def) });
    snap = stepChart(chart, snap, event);
    pending.push(pendingOf(event));
    story.applied(action);
    now = action.at;
  }
  const events = chainEvents(input.id, input.chartVersion, GENESIS_HASH, 0, pending);
  return { row: dossierRow(input, chart, snap, events, thresholdMs), events };
}

/** The figures the summary counts for one built dossier. */
export interface DossierFacts {
  state: string;
  open: boolean;
  late: boolean;
  apologised: boolean;
  supplemented: boolean;
  paused: boolean;
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
  };
}
