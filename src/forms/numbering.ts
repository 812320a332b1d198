/**
 * Form numbers versioned by regulation: a dossier prints with the forms of the circular in force
 * when it was received (or submitted, if it never was). Circular 03/2025/TT-VPCP applies to dossiers
 * received from 15/09/2025; earlier dossiers keep Circular 01/2018/TT-VPCP's numbering.
 * Sources: shared/domain/regulations-with-sources.md §6.1.
 */
import type { LocalDate } from '../../machines/calendar';
import { FORM_KINDS, type FormKind } from '../../machines/vocabulary';

export function isFormKind(s: string): s is FormKind {
  return (FORM_KINDS as readonly string[]).includes(s);
}

export interface Regulation {
  /** "03/2025/TT-VPCP" */
  circular: string;
  /** first local date of dossiers this regulation governs */
  from: LocalDate;
  numbers: Record<FormKind, string>;
}

export const CIRCULAR_01_2018: Regulation = {
  circular: '01/2018/TT-VPCP',
  from: '2018-11-23',
  // no stop notice in 2018; the pause notice has no national form number (an empty number prints none)
  numbers: {
    receipt: '01',
    supplement: '02',
    refusal: '03',
    apology: '04',
    'control-slip': '05',
    'stop-notice': '',
    'pause-notice': '',
    'return-receipt': '',
  },
};

export const CIRCULAR_03_2025: Regulation = {
  circular: '03/2025/TT-VPCP',
  from: '2025-09-15',
  // 05 is the stop notice (Thông báo dừng giải quyết hồ sơ), 07 the tracking book.
  numbers: {
    receipt: '01',
    supplement: '02',
    refusal: '03',
    apology: '04',
    'control-slip': '06',
    'stop-notice': '05',
    'pause-notice': '',
    'return-receipt': '',
  },
};

/** Newest first. */
const REGULATIONS: readonly Regulation[] = [CIRCULAR_03_2025, CIRCULAR_01_2018];

/** The regulation in force for a dossier received (or submitted) on local date `date`. */
export function regulationFor(date: LocalDate): Regulation {
  return REGULATIONS.find((r) => date >= r.from) ?? CIRCULAR_01_2018;
}

/** "Mẫu số 06"; empty for a form the regulation does not number */
export function formLabel(kind: FormKind, reg: Regulation): string {
  return reg.numbers[kind] ? `Mẫu số ${reg.numbers[kind]}` : '';
}
