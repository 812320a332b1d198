/**
 * The shared look of every form: HTML escaping, the official header (owning agency, national motto,
 * form number of the regulation in force), signature blocks and the A4 page shell with print CSS.
 * Forms build their HTML only with the `html` tag below, which escapes every interpolated value
 * unless it is already SafeHtml, so applicant names, notes and reasons can never inject markup.
 */
import type { FormKind } from '../../machines/vocabulary';
import type { Regulation } from './numbering';
import { formLabel } from './numbering';

/** HTML that is already escaped (built by `html` or `raw`). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Trusted markup, written in this module tree (never data). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function renderValue(v: unknown): string {
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(renderValue).join('');
  if (v === null || v === undefined || v === false) return '';
  return escapeHtml(String(v));
}

/** Template tag: literal parts are markup, interpolated values are escaped (arrays are joined). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += renderValue(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Dots left for a hand-written value, as on the paper templates. */
export const BLANK = raw('<span class="blank">……………</span>');

/** A value, or dots when it is missing. */
export function orBlank(v: string | null | undefined): SafeHtml {
  return v ? html`${v}` : BLANK;
}

/** The issuing side of the header. */
export interface Issuer {
  /** the governing body, e.g. "ỦY BAN NHÂN DÂN XÃ" */
  parent: string;
  /** the issuing unit, e.g. "Trung tâm Phục vụ hành chính công xã" */
  name: string;
  /** the place name of the dateline; null prints dots */
  place: string | null;
}

export interface HeaderOptions {
  kind: FormKind;
  regulation: Regulation;
  issuer: Issuer;
  /** the dateline's date ("ngày dd tháng mm năm yyyy") */
  dateline: string;
  /** document number symbol after "Số: ……/", e.g. "PBS-TTPVHCC"; omitted when the form has none */
  symbol?: string;
  title: string;
  subtitle?: SafeHtml;
}

export function header(o: HeaderOptions): SafeHtml {
  const label = formLabel(o.kind, o.regulation);
  return html`${label ? html`<div class="form-no"><b>${label}</b><br><i>(Thông tư số ${o.regulation.circular})</i></div>` : ''}
<table class="header"><tr>
<td class="issuer"><div>${o.issuer.parent.toLocaleUpperCase('vi')}</div><div class="org">${o.issuer.name.toLocaleUpperCase('vi')}</div><div class="rule"></div>${
    o.symbol ? html`<div>Số: ……/${o.symbol}</div>` : ''
  }</td>
<td class="nation"><div class="org">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div><div class="org motto">Độc lập - Tự do - Hạnh phúc</div><div class="rule"></div><div class="dateline"><i>${
    o.issuer.place ?? '……………'
  }, ${o.dateline}</i></div></td>
</tr></table>
<h1>${o.title.toLocaleUpperCase('vi')}</h1>${o.subtitle ?? ''}`;
}

export interface Signature {
  title: string;
  /** "(Ký và ghi rõ họ tên)" by default */
  hint?: string;
  name?: string | null;
  /** the signer's title (chức danh), printed under the name */
  office?: string | null;
}

/** A signature block's name and title for a person. */
export function signedBy(person: { fullName: string; title: string } | null): Pick<Signature, 'name' | 'office'> {
  return person ? { name: person.fullName, office: person.title || null } : {};
}

export function signatures(list: Signature[]): SafeHtml {
  const cells = list.map(
    (s) =>
      html`<td><b>${s.title}</b><br><i>${s.hint ?? '(Ký và ghi rõ họ tên)'}</i><div class="sign-space"></div><b>${s.name ?? ''}</b>${s.office ? html`<br><span class="office">${s.office}</span>` : ''}</td>`,
  );
  // A single signer signs on the right, as on administrative documents.
  return html`<table class="signatures"><tr>${cells.length === 1 ? raw('<td></td>') : ''}${cells}</tr></table>`;
}

const CSS = `
@page { size: A4 portrait; margin: 20mm 15mm 20mm 30mm; }
* { box-sizing: border-box; }
body { margin: 0; background: #e8e8e8; color: #000; font-family: "Times New Roman", Times, serif; font-size: 13pt; line-height: 1.4; }
.sheet { width: 210mm; min-height: 297mm; margin: 10mm auto; padding: 20mm 15mm 20mm 30mm; background: #fff; box-shadow: 0 0 4px rgba(0,0,0,.3); }
.landscape .sheet { width: 297mm; min-height: 210mm; padding: 15mm 15mm 15mm 20mm; }
.form-no { text-align: right; font-size: 11pt; margin-bottom: 4pt; }
table.header { width: 100%; border-collapse: collapse; }
table.header td { vertical-align: top; text-align: center; padding: 0; }
table.header td.issuer { width: 42%; }
.org { font-weight: bold; }
.rule { width: 35%; margin: 2pt auto 6pt; border-top: 1px solid #000; }
.dateline { margin-top: 4pt; }
h1 { font-size: 14pt; text-align: center; margin: 16pt 0 2pt; }
.subtitle { text-align: center; margin: 0 0 10pt; }
p { margin: 4pt 0; text-align: justify; }
.blank { letter-spacing: 1pt; }
table.grid { width: 100%; border-collapse: collapse; margin: 6pt 0; }
table.grid th, table.grid td { border: 1px solid #000; padding: 2pt 4pt; vertical-align: top; }
table.grid th { text-align: center; }
table.grid th:first-child { width: 10mm; }
.center { text-align: center; }
table.grid td.num { text-align: center; white-space: nowrap; }
table.grid thead { display: table-header-group; }
table.grid tr { page-break-inside: avoid; break-inside: avoid; }
.page-break { page-break-before: always; break-before: page; }
.landscape table.grid { font-size: 11pt; }
.late { font-weight: bold; }
table.signatures { width: 100%; margin-top: 14pt; border-collapse: collapse; page-break-inside: avoid; break-inside: avoid; }
table.signatures td { width: 50%; text-align: center; vertical-align: top; }
.sign-space { height: 22mm; }
.qr { float: right; width: 32mm; margin: 0 0 4pt 8pt; text-align: center; font-size: 9pt; }
.qr svg { width: 30mm; height: 30mm; display: block; margin: 0 auto; }
.notes { font-size: 11pt; margin-top: 10pt; }
@media print {
  body { background: none; }
  .sheet, .landscape .sheet { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
}
`;

export interface PageOptions {
  title: string;
  body: SafeHtml;
  landscape?: boolean;
}

/** A complete, printable A4 document. */
export function page(o: PageOptions): string {
  const pageSize = o.landscape ? '@page { size: A4 landscape; margin: 15mm 15mm 15mm 20mm; }' : '';
  return html`<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title}</title>
<style>${raw(CSS + pageSize)}</style>
</head>
<body${o.landscape ? raw(' class="landscape"') : ''}>
<main class="sheet">
${o.body}
</main>
</body>
</html>
`.value;
}
