/**
 * The CSV the browser builds from what a page shows (the search's "Xuất CSV"): RFC 4180 fields, CRLF line
 * ends, UTF-8 with a byte-order mark so that Excel reads Vietnamese; written the way the server's exports
 * write theirs (src/reports/formats/csv.ts). Pure: no DOM, so test/e2e/search.e2e.test.ts calls it in the page.
 */

/**
 * One CSV field: text that a spreadsheet would read as a formula (one starting with =, +, -, the at sign, a
 * tab or CR) gets a leading apostrophe (OWASP's rule for CSV injection); quoted when it holds a comma, a quote
 * or a line break, quotes doubled.
 * @param {unknown} value
 * @returns {string}
 */
export function csvCell(value) {
  let text = String(value ?? '');
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The whole file: the header row then the rows, each cell through csvCell, with the BOM in front.
 * @param {readonly unknown[]} headers
 * @param {readonly (readonly unknown[])[]} rows
 * @returns {string}
 */
export function csvText(headers, rows) {
  const lines = [headers, ...rows].map((cells) => cells.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
