/**
 * A Content-Disposition header for a stored file's name, safe whatever the name holds: an ASCII fallback
 * (`filename=`, Vietnamese letters without their marks, anything else replaced) and the exact name in UTF-8
 * (`filename*=`, RFC 5987/6266). Quotes, backslashes, control characters and path separators never reach the
 * header unescaped. Pure.
 */
const ATTR_CHAR = /[A-Za-z0-9!#$&+.^_`|~-]/;

function asciiFallback(name: string): string {
  const plain = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^A-Za-z0-9._ ()-]/g, '_')
    .replace(/^[.\s]+/, '')
    .slice(0, 150);
  return plain.length > 0 ? plain : 'tai-lieu';
}

function rfc5987(name: string): string {
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && ATTR_CHAR.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function contentDisposition(name: string, inline: boolean): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const clean = name.replace(/[\u0000-\u001f\u007f]/g, '').replace(/[\\/]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${asciiFallback(clean)}"; filename*=UTF-8''${rfc5987(clean)}`;
}
