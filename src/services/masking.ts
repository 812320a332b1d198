/** Personal data shown in lists and reports: only the last four characters of ID and phone numbers. */
export function maskTail(value: string, visible = 4): string {
  if (value.length <= visible) return '•'.repeat(value.length);
  return '•'.repeat(value.length - visible) + value.slice(-visible);
}
