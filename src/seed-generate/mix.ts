/**
 * The province's mix: which procedures people come for, by which channel, how fast the offices work,
 * and how often the unusual happens (lateness, apologies, supplements, pauses, refusals, withdrawals).
 * Every figure a reader may want to tune lives here; `drawScenario` turns them into one dossier's
 * scenario with the dossier's own seeded generator.
 */
import type { Channel, PauseReason, ProcedureTerms } from '../../machines/dossier';
import type { Rng } from './prng';

/** Relative demand per procedure (a commune centre: mostly certified copies and civil status, then land and business). */
export const PROCEDURE_WEIGHTS: Readonly<Record<string, number>> = {
  '2.000815': 34, // chứng thực bản sao từ bản chính
  '1.001193': 13, // đăng ký khai sinh
  '1.000656': 4, // đăng ký khai tử
  '1.000894': 5, // đăng ký kết hôn
  '1.001612': 16, // đăng ký thành lập hộ kinh doanh
  '1.013225': 9, // giấy phép xây dựng nhà ở riêng lẻ
  '1.013978': 19, // đăng ký đất đai lần đầu
};
/** Weight of a catalogue procedure not listed above. */
export const OTHER_PROCEDURE_WEIGHT = 3;

/** Channels per procedure: certification needs the original at the counter; business and land go online more. */
export function channelWeights(procedureCode: string): Record<Channel, number> {
  switch (procedureCode) {
    case '2.000815':
      return { counter: 88, online: 12, postal: 0 };
    case '1.001193':
    case '1.000656':
    case '1.000894':
      return { counter: 58, online: 42, postal: 0 };
    case '1.001612':
      return { counter: 42, online: 53, postal: 5 };
    case '1.013225':
      return { counter: 50, online: 40, postal: 10 };
    case '1.013978':
      return { counter: 62, online: 28, postal: 10 };
    default:
      return { counter: 60, online: 35, postal: 5 };
  }
}

/** Arrivals: relative load by weekday (0 = Sunday) on working days; online filings on days off weigh this much. */
export const WEEKDAY_LOAD = [0.7, 1.3, 1.1, 1.0, 1.0, 0.85, 0.7] as const;
export const ONLINE_DAY_OFF_LOAD = 0.3;
/** Online filings by local hour 0–23 (people file in the evening too). */
export const ONLINE_HOUR_LOAD = [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 4, 5, 5, 5, 4, 4, 5, 5, 4, 4, 3, 4, 5, 4, 3, 2] as const;
/** Centre sizes vary: log-normal spread of a centre's share of the dossiers. */
export const CENTRE_SIZE_SIGMA = 0.45;

export const RATES = {
  /** an online or postal filing refused at intake (wrong authority, incomplete) */
  intakeRefusal: 0.025,
  /** an online or postal filing withdrawn before a clerk receives it */
  intakeWithdrawal: 0.004,
  /** results after the statutory due date, for multi-day procedures and same-day ones */
  late: { days: 0.06, sameDay: 0.025 },
  /** how a late dossier is apologised for: before the deadline, at the counter when handing the result back, or not at all */
  apology: { timely: 0.75, at_return: 0.17, none: 0.08 },
  /** a supplement requested during the handling step, for multi-day and same-day procedures */
  supplement: { days: 0.09, sameDay: 0.02 },
  /** the applicant never supplies and withdraws */
  supplementAbandoned: 0.12,
  /** a pause: land dossiers wait for the financial obligation; others rarely pause */
  pause: { financial: 0.35, other: 0.04 },
  /** the signing leader sends the dossier back one step once */
  returnStep: 0.03,
  /** a written refusal as the result */
  refusal: 0.015,
  /** withdrawn while in the office */
  withdrawal: 0.004,
  /** the result is digitised: recorded with its result document (a signed PDF) */
  digitised: 0.9,
  /** the applicant rates the service when collecting */
  rating: 0.3,
} as const;

/**
 * Documents (issue 14). Who comes back: a share of each centre's dossiers are filed by someone who filed there
 * before (chosen among the centre's recent dossiers), often for the same procedure again; nobody files more
 * than `maxPerPerson` dossiers. At filing: optional documents ("(nếu có)") are brought or not; documents the
 * law only asks to see (`showOnly`) are mostly shown and handed back; the rest are digitised completely,
 * partly or not at all (per channel); a component an earlier dossier of the same applicant holds a scan of the
 * same kind is mostly reused instead of scanned again; missing scans mostly get a reason.
 */
export const DOCUMENT_RATES = {
  repeatApplicant: 0.35,
  repeatSameProcedure: 0.5,
  /** a returning applicant is one of the centre's last this many dossiers' applicants */
  repeatWindow: 4000,
  maxPerPerson: 6,
  optionalBrought: 0.5,
  shownOnly: 0.7,
  /** every component digitised at filing, some of them, none (the rest of 1 − complete split partial : paper) */
  complete: { counter: 0.9, online: 0.96, postal: 0.85 },
  partialOfIncomplete: 0.6,
  reuse: 0.8,
  missingReason: 0.6,
  /** a scan is a PNG (a photo) rather than a PDF: online uploads more often */
  png: { counter: 0.1, online: 0.35, postal: 0.1 },
  /** the result document is the electronic original (else a digitised copy of the paper one) */
  electronicOriginal: 0.6,
} as const;

/** Plausible file sizes (median bytes, log-normal spread). */
export const FILE_SIZES = {
  scanPdf: { median: 280_000, sigma: 0.7 },
  photoPng: { median: 900_000, sigma: 0.5 },
  resultPdf: { median: 160_000, sigma: 0.5 },
} as const;

/** Why a receipt's components were not all digitised (the clerk's note). */
export const MISSING_SCAN_REASONS = [
  'Máy quét hỏng, sẽ số hóa bổ sung',
  'Giấy tờ khổ lớn, chưa số hóa được tại quầy',
  'Công dân chỉ mang bản giấy, hẹn bổ sung bản số hóa',
  'Mất kết nối hệ thống khi tiếp nhận',
] as const;

/** Ratings given (1–5 stars). */
export const RATING_WEIGHTS = { '5': 55, '4': 30, '3': 10, '2': 3, '1': 2 } as const;

/** Timing, in office days (7.5 working hours by default) unless named otherwise. */
export const TIMING = {
  /** share of its budget a step takes: the dossier's pace (median, spread, bounds) times the step's own variation */
  pace: { median: 0.45, sigma: 0.35, min: 0.08, max: 1.5 },
  /** late dossiers: the result comes this long after the statutory due date (mean, exponential) */
  overshootDays: { mean: 1.2, min: 0.1, max: 6 },
  /** per-step variation of the time taken */
  stepSigma: 0.3,
  /** an online or postal filing waits this long for a clerk */
  intakeDelayDays: { mean: 0.35 },
  /** the applicant brings the missing papers after (median, spread) */
  supplementResponseDays: { median: 3, sigma: 0.6 },
  /** a pause lasts: financial obligation (median, spread), other reasons */
  pauseDays: { financial: { median: 6, sigma: 0.5 }, other: { median: 2, sigma: 0.6 } },
  /** the result is collected after (mean, exponential), by channel */
  pickupDays: { counter: 0.9, online: 0.25, postal: 1.5 },
  /** a leader assigns the handling officer within (share of the step, at most this many working hours) */
  assignShare: 0.08,
  assignMaxHours: 1.5,
} as const;

export type ApologyPlan = 'timely' | 'at_return' | 'none';

/** What will happen to one dossier. Times are in office days; the story turns them into instants with the calendar. */
export interface Scenario {
  intake: 'receive' | 'refuse' | 'withdraw';
  intakeDelayDays: number;
  late: boolean;
  /** share of each step's budget the dossier's steps take (before the step's own variation) */
  pace: number;
  /** the step a specialist handles: supplements and pauses happen there, a late dossier loses its time there */
  handlingStep: number;
  /** late dossiers: office days past the statutory due date */
  overshootDays: number;
  apology: ApologyPlan;
  /** per step: relative weight of its share of the work (budget × noise) */
  stepNoise: number[];
  supplement: { step: number; share: number; responseDays: number; abandoned: boolean } | null;
  pause: { step: number; share: number; days: number; reason: PauseReason } | null;
  returnStep: boolean;
  refuse: boolean;
  withdrawDuring: boolean;
  pickupDays: number;
  rating: number | null;
  digitised: boolean;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** The step a specialist handles (supplements and pauses happen there), else the middle one. */
function handlingStep(terms: ProcedureTerms): number {
  const i = terms.steps.findIndex((s) => s.role === 'specialist');
  return i >= 0 ? i : Math.floor(terms.steps.length / 2);
}

export function drawScenario(rng: Rng, terms: ProcedureTerms, channel: Channel): Scenario {
  const sameDay = terms.processingTime.value === 0;
  const remote = channel !== 'counter';
  const intakeRoll = rng.next();
  const intake =
    remote && intakeRoll < RATES.intakeRefusal
      ? 'refuse'
      : remote && intakeRoll < RATES.intakeRefusal + RATES.intakeWithdrawal
        ? 'withdraw'
        : 'receive';
  const late = rng.chance(sameDay ? RATES.late.sameDay : RATES.late.days);
  const handling = handlingStep(terms);
  const supplement = rng.chance(sameDay ? RATES.supplement.sameDay : RATES.supplement.days)
    ? {
        step: handling,
        share: rng.between(0.1, 0.5),
        responseDays: clamp(rng.logNormal(TIMING.supplementResponseDays.median, TIMING.supplementResponseDays.sigma), 0.2, 25),
        abandoned: rng.chance(RATES.supplementAbandoned),
      }
    : null;
  const financial = terms.pauseReasons.includes('financial_obligation');
  const pauseReason: PauseReason = financial && rng.chance(0.85) ? 'financial_obligation' : rng.pick(terms.pauseReasons);
  const pauseTiming = pauseReason === 'financial_obligation' ? TIMING.pauseDays.financial : TIMING.pauseDays.other;
  const pause =
    !sameDay && terms.pauseReasons.length > 0 && rng.chance(financial ? RATES.pause.financial : RATES.pause.other)
      ? {
          // the financial obligation is known once the file is checked: the step that sends it to the tax office
          step: financial ? Math.min(handling + 1, terms.steps.length - 1) : handling,
          share: rng.between(0.3, 0.8),
          days: clamp(rng.logNormal(pauseTiming.median, pauseTiming.sigma), 0.3, 40),
          reason: pauseReason,
        }
      : null;
  const pickupMean = TIMING.pickupDays[channel];
  return {
    intake,
    intakeDelayDays: rng.exponential(TIMING.intakeDelayDays.mean),
    late,
    pace: clamp(rng.logNormal(TIMING.pace.median, TIMING.pace.sigma), TIMING.pace.min, TIMING.pace.max),
    handlingStep: handling,
    overshootDays:
      clamp(rng.exponential(TIMING.overshootDays.mean), TIMING.overshootDays.min, TIMING.overshootDays.max) * (sameDay ? 0.3 : 1),
    apology: rng.weighted(RATES.apology),
    stepNoise: terms.steps.map(() => rng.logNormal(1, TIMING.stepSigma)),
    supplement,
    pause,
    returnStep: terms.steps.length >= 3 && rng.chance(RATES.returnStep),
    refuse: rng.chance(RATES.refusal),
    withdrawDuring: rng.chance(RATES.withdrawal),
    pickupDays: rng.exponential(pickupMean),
    rating: rng.chance(RATES.rating) ? Number(rng.weighted(RATING_WEIGHTS)) : null,
    digitised: rng.chance(RATES.digitised),
  };
}
