/** Pure pieces of the forms: regulation-versioned numbering, escaping, the lookup link and its QR code. */
import { create } from 'qrcode';
import { CIRCULAR_01_2018, CIRCULAR_03_2025, formLabel, regulationFor } from '../../src/forms/numbering';
import { FORM_KINDS } from '../../machines/vocabulary';
import { escapeHtml, html, raw } from '../../src/forms/layout';
import { lookupUrl, qrSvg } from '../../src/forms/qr';
import { dateTime, duration, workingAmount } from '../../src/forms/format';

describe('form numbering follows the regulation in force on the receipt date', () => {
  test('Circular 03/2025/TT-VPCP from 15/09/2025, Circular 01/2018/TT-VPCP before', () => {
    expect(regulationFor('2025-09-14')).toBe(CIRCULAR_01_2018);
    expect(regulationFor('2025-09-15')).toBe(CIRCULAR_03_2025);
    expect(regulationFor('2026-03-03')).toBe(CIRCULAR_03_2025);
    expect(regulationFor('2019-01-02')).toBe(CIRCULAR_01_2018);
  });

  test('the control slip is Mẫu số 05 under 01/2018 and Mẫu số 06 under 03/2025, where 05 is the stop notice; the others keep 01–04; the pause notice and the receipt of the return have no number', () => {
    expect(FORM_KINDS.map((k) => formLabel(k, CIRCULAR_01_2018))).toEqual([
      'Mẫu số 01',
      'Mẫu số 02',
      'Mẫu số 03',
      'Mẫu số 04',
      'Mẫu số 05',
      '',
      '',
      '',
    ]);
    expect(FORM_KINDS.map((k) => formLabel(k, CIRCULAR_03_2025))).toEqual([
      'Mẫu số 01',
      'Mẫu số 02',
      'Mẫu số 03',
      'Mẫu số 04',
      'Mẫu số 06',
      'Mẫu số 05',
      '',
      '',
    ]);
  });
});

describe('escaping', () => {
  test('escapeHtml escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  test('the html tag escapes every interpolated value, including inside arrays, but not SafeHtml', () => {
    const evil = '<script>alert(1)</script>';
    expect(html`<p>${evil}</p>${[evil, raw('<br>')]}`.value).toBe(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>&lt;script&gt;alert(1)&lt;/script&gt;<br>',
    );
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
  });
});

describe('the lookup link and its QR code', () => {
  const code = '000.00.12.H29-260303-0001';

  test('the link is the public lookup page with the dossier code only', () => {
    expect(lookupUrl('https://motcua.example.vn', code)).toBe(`https://motcua.example.vn/tra-cuu?ma=${code}`);
    expect(lookupUrl('http://127.0.0.1:3000/', code)).toBe(`http://127.0.0.1:3000/tra-cuu?ma=${code}`);
    expect(lookupUrl('https://dvc.example.vn/motcua/', code)).toBe(`https://dvc.example.vn/motcua/tra-cuu?ma=${code}`);
  });

  test('a base URL that is not a plain http(s) origin is refused', () => {
    for (const bad of ['javascript:alert(1)', 'ftp://x', 'https://x/?q=1', 'https://u:p@x', 'not a url']) {
      expect(() => lookupUrl(bad, code)).toThrow(RangeError);
    }
  });

  test('the SVG draws exactly the modules of the encoded link', () => {
    const link = lookupUrl('https://motcua.example.vn', code);
    const svg = qrSvg(link).value;
    const { modules } = create(link, { errorCorrectionLevel: 'M' });
    const side = modules.size + 8;
    expect(svg).toContain(`viewBox="0 0 ${side} ${side}"`);
    // every dark module is covered by exactly one unit of a horizontal run
    const dark = Array.from(modules.data).filter(Boolean).length;
    const runs = [...svg.matchAll(/h(\d+)v1/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(runs).toBe(dark);
    expect(svg).not.toContain(code); // the text is in the modules, not printed inside the SVG
  });
});

describe('formats', () => {
  test('times print as hh:mm dd/mm/yyyy in Hanoi time', () => {
    expect(dateTime('2026-03-03T02:00:00.000Z')).toBe('09:00 03/03/2026');
    expect(dateTime('2026-03-06T10:00:00.000Z')).toBe('17:00 06/03/2026');
  });

  test('working amounts and durations', () => {
    expect(workingAmount({ value: 3, unit: 'days' })).toBe('03 ngày làm việc');
    expect(workingAmount({ value: 4, unit: 'hours' })).toBe('04 giờ làm việc');
    expect(workingAmount({ value: 0, unit: 'days' })).toBe('Trong ngày làm việc');
    expect(duration(9_000_000)).toBe('2 giờ 30 phút');
    expect(duration(1_800_000)).toBe('30 phút');
    expect(duration(54_000_000)).toBe('15 giờ');
  });
});
