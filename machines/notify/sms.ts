/**
 * SMS length rules (3GPP TS 23.038 / 23.040), pure.
 *
 * A message is sent in GSM-7 when every character is in the GSM 03.38 default alphabet or its extension
 * table (an extension character costs two septets: ESC + the character); otherwise in UCS-2. Vietnamese
 * diacritics (ă, â, đ, ê, ô, ơ, ư and the tone marks) are outside GSM-7, so any accented Vietnamese text
 * is UCS-2. Capacities:
 *
 * | encoding | one SMS | per segment of a concatenated SMS (6-byte UDH) |
 * |---|---|---|
 * | GSM-7 | 160 septets | 153 septets (an ESC pair is never split) |
 * | UCS-2 | 70 UTF-16 units | 67 UTF-16 units (a surrogate pair is never split) |
 *
 * Text is normalised to NFC first: a decomposed "ệ" (e + two combining marks) would count three units.
 */

/** GSM 03.38 default alphabet (ESC excluded: it is not a character of the text). */
const GSM_BASIC = new Set(
  Array.from(
    '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
  ),
);
/** GSM 03.38 extension table: each costs two septets. */
const GSM_EXTENSION = new Set(Array.from('\f^{}\\[~]|€'));

export type SmsEncoding = 'gsm7' | 'ucs2';

export const SMS_CAPACITY = {
  gsm7: { single: 160, segment: 153 },
  ucs2: { single: 70, segment: 67 },
} as const;

export function encodingOf(text: string): SmsEncoding {
  for (const ch of text.normalize('NFC')) if (!GSM_BASIC.has(ch) && !GSM_EXTENSION.has(ch)) return 'ucs2';
  return 'gsm7';
}

/** The cost of one character in its encoding's units (septets or UTF-16 code units). */
function unitsOf(ch: string, encoding: SmsEncoding): number {
  return encoding === 'gsm7' ? (GSM_EXTENSION.has(ch) ? 2 : 1) : ch.length;
}

/** Total units of the text (septets for GSM-7, UTF-16 code units for UCS-2). */
export function smsLength(text: string): number {
  const t = text.normalize('NFC');
  const enc = encodingOf(t);
  let n = 0;
  for (const ch of t) n += unitsOf(ch, enc);
  return n;
}

/**
 * The segments the text is sent as: one when it fits a single SMS, else chunks of at most 153 septets
 * (GSM-7) or 67 UTF-16 units (UCS-2), never splitting an extension character's ESC pair or a surrogate pair.
 */
export function splitSms(text: string): { encoding: SmsEncoding; segments: string[] } {
  const t = text.normalize('NFC');
  const encoding = encodingOf(t);
  const cap = SMS_CAPACITY[encoding];
  if (smsLength(t) <= cap.single) return { encoding, segments: t === '' ? [] : [t] };
  const segments: string[] = [];
  let current = '';
  let used = 0;
  for (const ch of t) {
    const u = unitsOf(ch, encoding);
    if (used + u > cap.segment) {
      segments.push(current);
      current = '';
      used = 0;
    }
    current += ch;
    used += u;
  }
  if (current) segments.push(current);
  return { encoding, segments };
}

/** Vietnamese without diacritics ("tiếng Việt không dấu"): đ→d, Đ→D, every combining mark removed. */
export function stripDiacritics(text: string): string {
  return text
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC');
}

/** A piece of an SMS: fixed text, or the one part that may be shortened (a list of documents, a name). */
export interface SmsPart {
  text: string;
  elidable?: boolean;
}

export interface FittedSms {
  text: string;
  encoding: SmsEncoding;
  segments: string[];
  /** the elidable part was cut to fit */
  shortened: boolean;
}

/**
 * The shortening rule: the message is the parts joined. If it needs more than `maxSegments` segments, the
 * elidable part is cut (at a word boundary when there is one in its last third) and ends with "…" ("..." when
 * the message must stay GSM-7), to the longest length that fits; fixed parts (the dossier code, dates, the
 * link) are never cut. With `stripAccents` the whole message is first written without diacritics, which makes
 * Vietnamese GSM-7 (160/153 instead of 70/67). If the fixed parts alone do not fit, a RangeError: a template
 * that cannot fit is a bug, caught by the template tests.
 */
export function fitSms(parts: readonly SmsPart[], opts: { maxSegments: number; stripAccents?: boolean }): FittedSms {
  const prep = (s: string) => (opts.stripAccents ? stripDiacritics(s) : s).normalize('NFC');
  const full = parts.map((p) => prep(p.text)).join('');
  const whole = splitSms(full);
  if (whole.segments.length <= opts.maxSegments) return { text: full, ...whole, shortened: false };
  const idx = parts.findIndex((p) => p.elidable);
  const tooLong = () => new RangeError(`SMS does not fit ${opts.maxSegments} segment(s) even with its elidable part cut: ${full}`);
  if (idx < 0) throw tooLong();
  const elidable = Array.from(prep(parts[idx]!.text));
  const fixedEncoding = encodingOf(
    parts
      .filter((_, i) => i !== idx)
      .map((p) => prep(p.text))
      .join('') + elidable.join(''),
  );
  const ellipsis = fixedEncoding === 'gsm7' ? '...' : '…';
  const build = (n: number) => {
    let cut = elidable.slice(0, n).join('');
    if (n < elidable.length) {
      const space = cut.lastIndexOf(' ');
      if (space >= (n * 2) / 3) cut = cut.slice(0, space);
      cut = cut.replace(/[\s,;:.]+$/u, '') + ellipsis;
    }
    return parts.map((p, i) => (i === idx ? cut : prep(p.text))).join('');
  };
  // the longest prefix that fits (segment count is monotone in the prefix length)
  let lo = 0;
  let hi = elidable.length;
  if (splitSms(build(0)).segments.length > opts.maxSegments) throw tooLong();
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (splitSms(build(mid)).segments.length <= opts.maxSegments) lo = mid;
    else hi = mid - 1;
  }
  const text = build(lo);
  return { text, ...splitSms(text), shortened: true };
}
