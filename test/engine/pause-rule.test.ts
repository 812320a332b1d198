/**
 * Rule "pauses can never buy time" (docs/calendar.md, Pauses): over all pauses of a dossier together, the
 * statutory due date moves by at most the working time actually paused. Day-mode procedures move by whole
 * office days only, once the running total of paused working time reaches each one. Pure: the engine's
 * stamping (src/engine/stamp.ts) and the chart, no database.
 */
import fc from 'fast-check';
import { buildCalendar, defaultCalendarData, toInstant, workingTimeBetween, type Instant } from '../../machines/calendar';
import { applyEvent, chartFor, CURRENT_CHART_VERSION, startDossier, type DossierSnapshot } from '../../machines/dossier';
import { stampCommand } from '../../machines/engine/stamp';
import type { Command } from '../../machines/engine/commands';
import { pauseSummary } from '../../machines/engine/pauses';
import { CLERK, LEADER, OFFICER, input, THREE_STEP_TERMS } from '../support/chart-fixtures';

const cal = buildCalendar(defaultCalendarData());
const chart = chartFor(CURRENT_CHART_VERSION);
const at = toInstant;

function step(s: DossierSnapshot, cmd: Command, when: Instant, by = OFFICER): DossierSnapshot {
  const next = applyEvent(chart, s, stampCommand(cmd, s.context, when, by, cal));
  if (!next) throw new Error(`${cmd.type} refused`);
  return next;
}

/** A dossier received at `receivedAt` (5 working days, or the given processing time) and assigned. */
function running(receivedAt: Instant, terms = THREE_STEP_TERMS): DossierSnapshot {
  let s = startDossier(chart, { ...input('online', terms), submittedAt: receivedAt });
  s = step(s, { type: 'RECEIVE' }, receivedAt, CLERK);
  return step(s, { type: 'ASSIGN', assignee: 'specialist' }, receivedAt, LEADER);
}

function pauseAndResume(s: DossierSnapshot, from: Instant, to: Instant): DossierSnapshot {
  return step(step(s, { type: 'PAUSE', reason: 'verification' }, from), { type: 'RESUME' }, to);
}

describe('rule: pauses can never buy time', () => {
  test('three one-minute pauses on the due day do not move the statutory due date, so a result next morning is late', () => {
    let s = running(at('2026-03-03', '09:00')); // due Tue 10/03 17:00
    const due = s.context.originalDueAt!;
    expect(due).toBe(at('2026-03-10', '17:00'));
    for (const hhmm of ['09:00', '10:00', '14:00']) {
      const [h, m] = hhmm.split(':');
      s = pauseAndResume(s, at('2026-03-10', hhmm), at('2026-03-10', `${h}:${String(Number(m) + 1).padStart(2, '0')}`));
    }
    expect(s.context.originalDueAt).toBe(due);
    expect(s.context.dueAt).toBe(due);
    s = step(step(s, { type: 'COMPLETE_STEP' }, at('2026-03-11', '07:40')), { type: 'COMPLETE_STEP' }, at('2026-03-11', '07:50'), LEADER);
    s = step(
      s,
      { type: 'RECORD_RESULT', documentNumber: '1/QĐ', documentDate: '2026-03-11', signer: 'A', digitised: true },
      at('2026-03-11', '08:00'),
      LEADER,
    );
    expect(s.context.finalTimeliness).toBe('late');
  });

  test('pauses accumulate: short pauses that together reach one office day move a day-mode due date by exactly one day', () => {
    let s = running(at('2026-03-03', '09:00'));
    // 3 × 2.5 h = 7.5 h = one office day, in three pauses on three days
    s = pauseAndResume(s, at('2026-03-04', '07:30'), at('2026-03-04', '10:00'));
    expect(s.context.originalDueAt).toBe(at('2026-03-10', '17:00'));
    s = pauseAndResume(s, at('2026-03-05', '07:30'), at('2026-03-05', '10:00'));
    expect(s.context.originalDueAt).toBe(at('2026-03-10', '17:00'));
    s = pauseAndResume(s, at('2026-03-06', '07:30'), at('2026-03-06', '10:00'));
    expect(s.context.originalDueAt).toBe(at('2026-03-11', '17:00'));
    const summary = pauseSummary(s.context.clock, cal);
    expect(summary).toMatchObject({ count: 3, totalWorkingMs: cal.officeDayMs, totalExtensionMs: cal.officeDayMs });
  });

  test('an hours-mode due date moves by exactly the paused working time', () => {
    const terms = {
      ...THREE_STEP_TERMS,
      processingTime: { value: 8, unit: 'hours' as const },
      steps: THREE_STEP_TERMS.steps.map((x) => ({ ...x, budget: { value: 2, unit: 'hours' as const } })),
    };
    let s = running(at('2026-03-03', '09:00'), terms);
    const due = s.context.originalDueAt!;
    s = pauseAndResume(s, at('2026-03-03', '10:00'), at('2026-03-03', '10:01'));
    expect(workingTimeBetween(due, s.context.originalDueAt!, cal)).toBe(60_000);
  });

  test('property: for any sequence of pauses the extension is at most the total paused working time', () => {
    // pauses as (gap before, length) in minutes from a receipt in 2026; day and hour procedures
    const pauses = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 * 24 * 60 }), fc.integer({ min: 1, max: 3 * 24 * 60 })), {
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.boolean(), pauses, (dayOffset, hoursMode, seq) => {
        const terms = hoursMode
          ? {
              ...THREE_STEP_TERMS,
              processingTime: { value: 16, unit: 'hours' as const },
              steps: THREE_STEP_TERMS.steps.map((x) => ({ ...x, budget: { value: 4, unit: 'hours' as const } })),
            }
          : THREE_STEP_TERMS;
        const receivedMs = Date.parse('2026-01-05T02:00:00.000Z') + dayOffset * 86_400_000;
        let s = running(new Date(receivedMs).toISOString(), terms);
        const due = s.context.originalDueAt!;
        let cursor = receivedMs;
        let paused = 0;
        for (const [gap, len] of seq) {
          const from = new Date(cursor + gap * 60_000).toISOString();
          const to = new Date(cursor + (gap + len) * 60_000).toISOString();
          cursor += (gap + len) * 60_000;
          paused += workingTimeBetween(from, to, cal);
          s = pauseAndResume(s, from, to);
        }
        const extension = workingTimeBetween(due, s.context.originalDueAt!, cal);
        expect(extension).toBeLessThanOrEqual(paused);
        expect(workingTimeBetween(due, s.context.dueAt!, cal)).toBeLessThanOrEqual(paused);
        if (hoursMode) expect(extension).toBe(paused);
        else expect(paused - extension).toBeLessThan(cal.officeDayMs);
      }),
      { numRuns: 200 },
    );
  });
});
