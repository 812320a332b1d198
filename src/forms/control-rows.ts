/**
 * The rows of the control slip: the counter's receipt, one row per hand-over between steps (with
 * the step's budget, the working time it actually used, its overrun and its early / on-time / late
 * class), the result handed to the counter and its return to the applicant.
 * Pure: working time is measured with the dossier's own calendar version. A step's deadline is the
 * one the sweeper uses (stepDeadline): time the dossier spent paused or waiting for a supplement
 * does not count against the step it fell in.
 *
 * Per-step class: a budget in days is judged like the dossier itself (early = finished on a working
 * day before the step's deadline day, on time = on that day, late = after the deadline); a budget in
 * hours is judged by working minutes used (fewer = early, equal = on time, more = late).
 */
import type { ClockEntry, Timeliness } from '../../machines/dossier';
import { classifyTimeliness, workingTimeBetween, type Calendar, type Instant, type WorkingAmount } from '../../machines/calendar';
import { stepDeadline } from '../../machines/engine/deadline-check';
import { returnedVia } from '../../machines/vocabulary';
import { when, type FormData, type When } from './form-data';
import { dmy, unitName } from './format';
import { COUNTER_UNIT } from './renderer';

export interface Party {
  unit: string;
  person: string | null;
}

export interface SlipRow {
  label: string;
  from: Party;
  to: Party | null;
  at: When;
  budget: WorkingAmount | null;
  usedMs: number | null;
  overrunMs: number | null;
  timeliness: Timeliness | null;
  note: string | null;
}

const HOUR_MS = 3_600_000;

interface Measure {
  usedMs: number;
  overrunMs: number;
  timeliness: Timeliness;
}

export function measureStep(start: Instant, end: Instant, budget: WorkingAmount, clock: readonly ClockEntry[], cal: Calendar): Measure {
  const { deadline, stoppedMs } = stepDeadline(start, budget, clock, cal, end);
  const usedMs = workingTimeBetween(start, end, cal) - stoppedMs;
  const late = end > deadline;
  const overrunMs = late ? workingTimeBetween(deadline, end, cal) : 0;
  let timeliness: Timeliness;
  if (budget.unit === 'days') timeliness = classifyTimeliness(end, deadline);
  else timeliness = late || usedMs > budget.value * HOUR_MS ? 'late' : usedMs < budget.value * HOUR_MS ? 'early' : 'on_time';
  return { usedMs, overrunMs, timeliness };
}

/** Pure. The control slip's rows, in time order. */
export function controlRows(d: FormData, cal: Calendar): SlipRow[] {
  const terms = d.procedure.terms;
  const counter = unitName(d.received?.unit ?? COUNTER_UNIT);
  const applicant: Party = { unit: 'Người nộp hồ sơ', person: d.applicant.fullName };
  const rows: SlipRow[] = [];
  // the appointment given at receipt (later restarts, pauses and apologies have their own records)
  const firstDue = d.clock.find((e) => e.kind === 'start')?.dueAt ?? null;
  if (d.received) {
    rows.push({
      label: 'Tiếp nhận hồ sơ',
      from: applicant,
      to: { unit: counter, person: d.received.by.fullName },
      at: d.received,
      budget: null,
      usedMs: null,
      overrunMs: null,
      timeliness: null,
      note: firstDue ? `Hẹn trả kết quả: ${when(firstDue).text}` : null,
    });
  }
  d.steps.forEach((s, i) => {
    const def = terms.steps[s.index];
    const next = d.steps[i + 1] ?? d.current;
    const toCounter = s.outcome === 'result' || s.outcome === 'refused';
    const nextUnit = toCounter ? (d.received?.unit ?? COUNTER_UNIT) : (next?.unit ?? terms.steps[s.index + 1]?.unit ?? null);
    const m = def ? measureStep(s.startedAt, s.endedAt, def.budget, d.clock, cal) : null;
    rows.push({
      label: def?.name ?? s.stepId,
      from: { unit: unitName(s.unit), person: d.nameOf(s.by) },
      to: { unit: unitName(nextUnit), person: toCounter ? null : d.nameOf(next?.assignee ?? null) },
      at: when(s.endedAt),
      budget: def?.budget ?? null,
      usedMs: m?.usedMs ?? null,
      overrunMs: m?.overrunMs ?? null,
      timeliness: m?.timeliness ?? null,
      note: noteOf(s.outcome, s.reason, d),
    });
  });
  if (d.current) {
    const def = terms.steps[d.current.index];
    rows.push({
      label: def?.name ?? `Bước ${d.current.index + 1}`,
      from: { unit: unitName(d.current.unit), person: d.nameOf(d.current.assignee) },
      to: null,
      at: when(d.current.startedAt),
      budget: def?.budget ?? null,
      usedMs: null,
      overrunMs: null,
      timeliness: null,
      note: 'Đang xử lý (thời điểm nhận)',
    });
  }
  if (d.returned) {
    rows.push({
      label: 'Trả kết quả',
      from: { unit: counter, person: d.returned.by.fullName },
      to: applicant,
      at: d.returned.at,
      budget: null,
      usedMs: null,
      overrunMs: null,
      timeliness: null,
      note: returnedVia(d.returned.method),
    });
  }
  return rows;
}

function noteOf(outcome: string, reason: string | undefined, d: FormData): string | null {
  if (outcome === 'returned') return `Trả lại bước trước: ${reason ?? ''}`;
  if (outcome === 'refused') return `Từ chối giải quyết: ${reason ?? ''}`;
  if (outcome === 'result' && d.result) {
    const doc = [d.result.documentNumber, d.result.documentDate ? dmy(d.result.documentDate) : null, d.result.signer]
      .filter(Boolean)
      .join(', ');
    return `Kết quả: ${d.procedure.resultDocument ?? 'văn bản'}${doc ? ` (${doc})` : ''}`;
  }
  return null;
}
