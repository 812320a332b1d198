/**
 * What a file is, decided from its first bytes (magic numbers), never from its name or the request's
 * Content-Type. Pure: bytes in, a media type out.
 */

/** The types a centre accepts by default: scans (PDF, JPEG, PNG) and signed electronic documents (XML). */
export const DEFAULT_ACCEPTED_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'application/xml'] as const;

/** Every type the detector can name (the accepted ones are a configurable subset of these). */
export const KNOWN_TYPES = [
  'application/pdf',
  'image/jpeg',
  'image/png',
  'application/xml',
  'image/gif',
  'image/webp',
  'image/tiff',
  'application/zip',
  'text/html',
  'application/x-executable',
  'application/octet-stream',
] as const;
export type DetectedType = (typeof KNOWN_TYPES)[number];

/** Types a browser may show inline (PDF and images); anything else is always served as an attachment. */
export const INLINE_TYPES: readonly string[] = ['application/pdf', 'image/jpeg', 'image/png'];

/** How many leading bytes `detectMediaType` needs to decide (fewer are enough for a shorter file). */
export const SNIFF_BYTES = 512;

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) => b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

function leadingText(b: Uint8Array): string {
  let i = startsWith(b, [0xef, 0xbb, 0xbf]) ? 3 : 0; // UTF-8 byte order mark
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0a || b[i] === 0x0d)) i += 1;
  let s = '';
  for (let j = i; j < Math.min(b.length, i + 64); j += 1) s += String.fromCharCode(b[j]!);
  return s.toLowerCase();
}

/** The media type of a file whose first bytes are `head` (at least SNIFF_BYTES of them unless the file is shorter). */
export function detectMediaType(head: Uint8Array): DetectedType {
  if (startsWith(head, ascii('%PDF-'))) return 'application/pdf';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return 'application/zip';
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46]) || startsWith(head, ascii('MZ'))) return 'application/x-executable';
  const text = leadingText(head);
  // An XML declaration first; an HTML page (which a browser would run) is never taken for XML.
  if (text.startsWith('<?xml') && !/<!doctype html|<html[\s>]/.test(text)) return 'application/xml';
  if (text.startsWith('<!doctype html') || text.startsWith('<html') || text.startsWith('<script')) return 'text/html';
  return 'application/octet-stream';
}

/** The file extension that goes with a type, for download names without one. */
export const EXTENSION_OF: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'application/xml': 'xml',
};

/** The name endings a file of each type usually has (without the dot): a hint for the browser's file dialog only. */
export const EXTENSIONS_OF: Partial<Record<DetectedType, readonly string[]>> = {
  'application/pdf': ['pdf'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'application/xml': ['xml'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'image/tiff': ['tif', 'tiff'],
  'application/zip': ['zip'],
};
