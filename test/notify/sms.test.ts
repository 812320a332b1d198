import { encodingOf, fitSms, smsLength, splitSms, stripDiacritics } from '../../machines/notify/sms';

describe('SMS length rules', () => {
  it('plain ASCII is GSM-7: 160 characters fit one SMS, 161 need two segments of at most 153', () => {
    expect(encodingOf('Ho so da tiep nhan')).toBe('gsm7');
    expect(splitSms('a'.repeat(160)).segments).toHaveLength(1);
    const two = splitSms('a'.repeat(161));
    expect(two.segments.map((s) => s.length)).toEqual([153, 8]);
  });

  it('a GSM-7 extension character costs two septets and its pair is never split across segments', () => {
    expect(smsLength('€')).toBe(2);
    expect(splitSms('a'.repeat(80) + '€'.repeat(40)).segments).toHaveLength(1); // 80 + 80 = 160
    const text = 'a'.repeat(152) + '€' + 'b'.repeat(10);
    const { encoding, segments } = splitSms(text);
    expect(encoding).toBe('gsm7');
    expect(segments[0]).toBe('a'.repeat(152)); // the € (2 septets) does not fit the 153rd septet
    expect(segments[1]!.startsWith('€')).toBe(true);
  });

  it('Vietnamese diacritics force UCS-2: 70 characters fit one SMS, 71 need two segments of at most 67', () => {
    expect(encodingOf('Hồ sơ đã tiếp nhận')).toBe('ucs2');
    expect(encodingOf('đ')).toBe('ucs2');
    expect(splitSms('ệ'.repeat(70)).segments).toHaveLength(1);
    expect(splitSms('ệ'.repeat(71)).segments.map((s) => s.length)).toEqual([67, 4]);
  });

  it('one accented letter turns a whole GSM-7 message into UCS-2', () => {
    const ascii =
      'Ho so 000.00.12.H29-261204-0001 da tiep nhan, hen tra ket qua 16:30 ngay 10/12/2026. Tra cuu: https://motcua.example.gov.vn/tra-cuu';
    expect(splitSms(ascii).segments).toHaveLength(1);
    expect(splitSms(ascii.replace('tiep', 'tiếp')).segments).toHaveLength(2);
  });

  it('decomposed Vietnamese (NFD) counts as composed: "ệ" typed as e + two marks is one character', () => {
    const nfd = 'ệ'.normalize('NFD');
    expect(nfd.length).toBe(3);
    expect(smsLength(nfd)).toBe(1);
  });

  it('a character outside the BMP costs two UCS-2 units and its surrogate pair is never split', () => {
    const { segments } = splitSms('ă'.repeat(66) + '😀' + 'ă'.repeat(10));
    expect(segments[0]).toBe('ă'.repeat(66));
    expect(segments[1]!.startsWith('😀')).toBe(true);
  });

  it('without diacritics Vietnamese is GSM-7 (đ → d)', () => {
    expect(stripDiacritics('Đã tiếp nhận hồ sơ, đề nghị bổ sung')).toBe('Da tiep nhan ho so, de nghi bo sung');
    expect(encodingOf(stripDiacritics('Ủy ban nhân dân xã Đông Hưng'))).toBe('gsm7');
  });
});

describe('fitting an SMS into its segment limit', () => {
  const fixedHead = { text: 'UBND xã: Hồ sơ 000.00.12.H29-261204-0001 cần bổ sung: ' };
  const fixedTail = { text: '. Chi tiết: https://motcua.example.gov.vn/tra-cuu?ma=000.00.12.H29-261204-0001' };
  const longList = Array.from({ length: 12 }, (_, n) => `Bản sao giấy tờ số ${n + 1} có chứng thực`).join('; ');

  it('a message within the limit is sent whole', () => {
    const fitted = fitSms([fixedHead, { text: 'Tờ khai', elidable: true }, fixedTail], { maxSegments: 4 });
    expect(fitted.shortened).toBe(false);
    expect(fitted.text).toContain('Tờ khai');
  });

  it('a long list of documents is cut with "…" so that the message fits, and the code and link stay whole', () => {
    const fitted = fitSms([fixedHead, { text: longList, elidable: true }, fixedTail], { maxSegments: 3 });
    expect(fitted.shortened).toBe(true);
    expect(fitted.encoding).toBe('ucs2');
    expect(fitted.segments.length).toBeLessThanOrEqual(3);
    expect(fitted.segments.every((s) => s.length <= 67)).toBe(true);
    expect(fitted.text).toContain('…');
    expect(fitted.text.startsWith(fixedHead.text)).toBe(true);
    expect(fitted.text.endsWith(fixedTail.text)).toBe(true);
    // the longest cut that fits: one more character of the list would not
    expect(fitted.text.length).toBeGreaterThan(3 * 67 - 20);
  });

  it('without diacritics the same list keeps more (GSM-7 segments of 153) and ends with "..."', () => {
    const fitted = fitSms([fixedHead, { text: longList, elidable: true }, fixedTail], { maxSegments: 3, stripAccents: true });
    expect(fitted.encoding).toBe('gsm7');
    expect(fitted.text).toContain('...');
    expect(fitted.text).toContain('Ban sao giay to so 1 co chung thuc');
    expect(fitted.segments.length).toBeLessThanOrEqual(3);
  });

  it('fixed text that cannot fit is refused, not silently cut', () => {
    expect(() => fitSms([{ text: 'ệ'.repeat(200) }], { maxSegments: 2 })).toThrow(RangeError);
  });
});
