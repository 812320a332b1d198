/**
 * Personal data shown in lists, histories, reports and logs: only the last four characters of ID and
 * phone numbers. The full record is shown by GET /api/dossiers/{code} (and each such view is logged) and
 * in the auditor's export; everything else masks.
 */
export function maskTail(value: string, visible = 4): string {
  if (value.length <= visible) return '•'.repeat(value.length);
  return '•'.repeat(value.length - visible) + value.slice(-visible);
}

/** A run of 9–12 digits (optionally +84…) not glued to letters, digits or hyphens (UUIDs, dossier codes). */
const PERSONAL_NUMBER = /(?<![0-9A-Za-z-])\+?\d{9,12}(?![0-9A-Za-z-])/g;

/**
 * Masks every phone- or ID-number-shaped digit run in free text (a note, a reason, a log line): people
 * type numbers into notes, and a report or log must not carry them whole.
 */
export function maskPersonalNumbers(text: string): string {
  return text.replace(PERSONAL_NUMBER, (m) => maskTail(m));
}

/** An applicant as lists and histories show it: ID and phone masked, the rest as given. */
export function maskApplicant<T extends { idNumber?: unknown; phone?: unknown }>(applicant: T): T {
  return {
    ...applicant,
    ...(typeof applicant.idNumber === 'string' ? { idNumber: maskTail(applicant.idNumber) } : {}),
    ...(typeof applicant.phone === 'string' ? { phone: maskTail(applicant.phone) } : {}),
  };
}

/** Every string inside a JSON value with maskPersonalNumbers applied (payloads are shallow: plain recursion). */
export function maskTexts(value: unknown): unknown {
  if (typeof value === 'string') return maskPersonalNumbers(value);
  if (Array.isArray(value)) return value.map(maskTexts);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskTexts(v)]));
  return value;
}
