/**
 * Rule: an apology is timely only when issued by the procedure's apology deadline (Decree 61/118 practice:
 * "chậm nhất 01 ngày trước ngày hết hạn" = the close of the working day before the due day; Decree 297/2025
 * groups: at the deadline itself). These tests fail if either deadline is moved, in particular if the default
 * deadline becomes the due time itself. Pure: the engine's stamping and the chart.
 */
import { buildCalendar, defaultCalendarData, toInstant } from '../../machines/calendar';
import {
  applyEvent,
  chartFor,
  CURRENT_CHART_VERSION,
  startDossier,
  type DossierSnapshot,
  type ProcedureTerms,
} from '../../machines/dossier';
import { apologyDeadline, stampCommand } from '../../machines/engine/stamp';
import type { Command } from '../../machines/engine/commands';
import { CLERK, LEADER, input, THREE_STEP_TERMS } from '../support/chart-fixtures';

const cal = buildCalendar(defaultCalendarData());
const chart = chartFor(CURRENT_CHART_VERSION);
const at = toInstant;

function step(s: DossierSnapshot, cmd: Command, when: string, by = LEADER): DossierSnapshot {
  const next = applyEvent(chart, s, stampCommand(cmd, s.context, when, by, cal));
  if (!next) throw new Error(`${cmd.type} refused`);
  return next;
}

/** Received Tue 03/03 09:00, 5 working days: due Tue 10/03 17:00; the working day before is Mon 09/03. */
function received(apologyDeadlineOption: ProcedureTerms['apologyDeadline']): DossierSnapshot {
  const terms = { ...THREE_STEP_TERMS, apologyDeadline: apologyDeadlineOption };
  const s = step(
    startDossier(chart, { ...input('online', terms), submittedAt: at('2026-03-03', '09:00') }),
    { type: 'RECEIVE' },
    at('2026-03-03', '09:00'),
    CLERK,
  );
  expect(s.context.originalDueAt).toBe(at('2026-03-10', '17:00'));
  return s;
}

const apology = (newDueDate: string): Command => ({ type: 'ISSUE_APOLOGY', reason: 'chờ xác minh', signer: 'Trưởng phòng', newDueDate });
const timelyAt = (s: DossierSnapshot, when: string) => step(s, apology('2026-03-13'), when).context.apologies[0]!.timely;

describe('rule: apology timing, one working day before the due date (the default)', () => {
  const s = received('one_working_day_before');

  test('the deadline is the close of the working day before the due day, not the due time', () => {
    expect(apologyDeadline(s.context, cal)).toBe(at('2026-03-09', '17:00'));
    expect(apologyDeadline(s.context, cal)).not.toBe(s.context.originalDueAt);
  });

  test('an apology by the close of the day before is timely; one on the due day itself, even before the due time, is late', () => {
    expect(timelyAt(s, at('2026-03-09', '16:59'))).toBe(true);
    expect(timelyAt(s, at('2026-03-09', '17:00'))).toBe(true);
    expect(timelyAt(s, at('2026-03-10', '08:00'))).toBe(false);
    expect(timelyAt(s, at('2026-03-10', '16:59'))).toBe(false);
  });

  test('the day before skips days off: a Monday due date needs the apology by Friday', () => {
    const mon = { ...s.context, originalDueAt: at('2026-03-16', '17:00'), dueAt: at('2026-03-16', '17:00') };
    expect(apologyDeadline(mon, cal)).toBe(at('2026-03-13', '17:00'));
  });
});

describe('rule: apology timing at the deadline (Decree 297/2025 groups)', () => {
  const s = received('at_deadline');

  test('the deadline is the due time itself', () => {
    expect(apologyDeadline(s.context, cal)).toBe(at('2026-03-10', '17:00'));
  });

  test('an apology on the due day up to the due time is timely; after it, late', () => {
    expect(timelyAt(s, at('2026-03-10', '08:00'))).toBe(true);
    expect(timelyAt(s, at('2026-03-10', '17:00'))).toBe(true);
    expect(timelyAt(s, at('2026-03-10', '17:01'))).toBe(false);
    expect(timelyAt(s, at('2026-03-11', '08:00'))).toBe(false);
  });
});
