/**
 * Civil-status procedures (lĩnh vực Hộ tịch) handled by the commune People's Committee.
 *
 * Sources checked on 2026-11-24 (search of stored public material; the National Public Service
 * Portal itself was not reachable):
 * - codes: several independent public repositories that mirror the National TTHC Database list
 *   1.001193 = Đăng ký khai sinh, 1.000894 = Đăng ký kết hôn, 1.000656 = Đăng ký khai tử
 *   (one of them is a script that maps old provincial codes to dichvucong.gov.vn codes). Secondary
 *   sources, consistent with each other; not read on dichvucong.gov.vn itself.
 * - times: Law on Civil Status 2014 (Luật Hộ tịch số 60/2014/QH13) — registration "ngay sau khi
 *   nhận đủ giấy tờ" (same day); marriage up to 05 working days and death up to 03 working days when
 *   verification is needed. The marriage wording was seen on a ward's published procedure page
 *   (linhchieu.tpthuduc.hochiminhcity.gov.vn); birth and death times are from the law as generally
 *   known, not re-read in this session.
 * - fees: Law on Civil Status Art. 11 exempts on-time birth and death registration and marriage
 *   registration of citizens residing in Vietnam (general knowledge, not re-read). The demo uses 0 đ.
 *
 * Budgets: a same-day procedure has 8 working hours; the steps below use 7 and leave one hour for
 * returning the result at the counter.
 */
import type { ProcedureDefinitionInput } from '../schema';

const HO_TICH = { code: 'HOTICH', name: 'Hộ tịch' }; // field code is local: the national list was not seen
const LEGAL_BASIS = 'Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP';

export const CIVIL_STATUS: ProcedureDefinitionInput[] = [
  {
    code: '1.001193', // source: secondary (public mirrors of the national database), see header
    version: 1,
    name: 'Đăng ký khai sinh',
    field: HO_TICH,
    level: 'commune',
    processingTime: { value: 0, unit: 'days' }, // source: Luật Hộ tịch 2014 Điều 16 — ngay trong ngày
    legalBasis: LEGAL_BASIS,
    fee: { amount: 0, note: 'Miễn lệ phí khi đăng ký khai sinh đúng hạn (Luật Hộ tịch, Điều 11)' },
    requiredDocuments: [
      { name: 'Tờ khai đăng ký khai sinh (theo mẫu)', copies: 1, original: true },
      {
        name: 'Giấy chứng sinh (hoặc văn bản của người làm chứng, giấy cam đoan về việc sinh)',
        copies: 1,
        original: true,
      },
      { name: 'Giấy tờ tùy thân của người đi đăng ký (xuất trình)', copies: 1, original: true, showOnly: true },
    ],
    resultDocument: 'Giấy khai sinh (bản chính)',
    steps: [
      { id: 'tiep-nhan', name: 'Tiếp nhận, chuyển hồ sơ', role: 'counter', unit: 'TTPVHCC', budget: { value: 1, unit: 'hours' } },
      { id: 'tham-dinh', name: 'Công chức tư pháp - hộ tịch kiểm tra, ghi Sổ hộ tịch', role: 'specialist', unit: 'VHXH', budget: { value: 4, unit: 'hours' } },
      { id: 'ky-cap', name: 'Lãnh đạo UBND xã ký Giấy khai sinh', role: 'leader', unit: 'LANHDAO', budget: { value: 2, unit: 'hours' } },
    ],
  },
  {
    code: '1.000894', // source: secondary (public mirrors of the national database), see header
    version: 1,
    name: 'Đăng ký kết hôn',
    field: HO_TICH,
    level: 'commune',
    // source: Luật Hộ tịch 2014 Điều 18 — ngay trong ngày; cần xác minh thì không quá 05 ngày làm việc
    // (the verification extension is modelled as a 'verification' pause).
    processingTime: { value: 0, unit: 'days' },
    legalBasis: LEGAL_BASIS,
    fee: { amount: 0, note: 'Miễn lệ phí đối với công dân Việt Nam cư trú ở trong nước (Luật Hộ tịch, Điều 11)' },
    requiredDocuments: [
      { name: 'Tờ khai đăng ký kết hôn (theo mẫu)', copies: 1, original: true },
      {
        name: 'Giấy xác nhận tình trạng hôn nhân (trường hợp không thường trú tại xã đăng ký kết hôn)',
        copies: 1,
        original: true,
      },
      { name: 'Giấy tờ tùy thân của hai bên nam, nữ (xuất trình)', copies: 1, original: true, showOnly: true },
    ],
    resultDocument: 'Giấy chứng nhận kết hôn',
    steps: [
      { id: 'tiep-nhan', name: 'Tiếp nhận, chuyển hồ sơ', role: 'counter', unit: 'TTPVHCC', budget: { value: 1, unit: 'hours' } },
      { id: 'tham-dinh', name: 'Công chức tư pháp - hộ tịch kiểm tra điều kiện kết hôn, ghi Sổ hộ tịch', role: 'specialist', unit: 'VHXH', budget: { value: 4, unit: 'hours' } },
      { id: 'ky-trao', name: 'Lãnh đạo UBND xã ký, trao Giấy chứng nhận kết hôn', role: 'leader', unit: 'LANHDAO', budget: { value: 2, unit: 'hours' } },
    ],
  },
  {
    code: '1.000656', // source: secondary (public mirrors of the national database), see header
    version: 1,
    name: 'Đăng ký khai tử',
    field: HO_TICH,
    level: 'commune',
    // source: Luật Hộ tịch 2014 Điều 34 — ngay trong ngày; cần xác minh thì không quá 03 ngày làm việc
    processingTime: { value: 0, unit: 'days' },
    legalBasis: LEGAL_BASIS,
    fee: { amount: 0, note: 'Miễn lệ phí khi đăng ký khai tử đúng hạn (Luật Hộ tịch, Điều 11)' },
    requiredDocuments: [
      { name: 'Tờ khai đăng ký khai tử (theo mẫu)', copies: 1, original: true },
      { name: 'Giấy báo tử hoặc giấy tờ thay Giấy báo tử', copies: 1, original: true },
      { name: 'Giấy tờ tùy thân của người đi đăng ký (xuất trình)', copies: 1, original: true, showOnly: true },
    ],
    resultDocument: 'Trích lục khai tử (bản chính)',
    steps: [
      { id: 'tiep-nhan', name: 'Tiếp nhận, chuyển hồ sơ', role: 'counter', unit: 'TTPVHCC', budget: { value: 1, unit: 'hours' } },
      { id: 'tham-dinh', name: 'Công chức tư pháp - hộ tịch kiểm tra, ghi Sổ hộ tịch', role: 'specialist', unit: 'VHXH', budget: { value: 4, unit: 'hours' } },
      { id: 'ky-cap', name: 'Lãnh đạo UBND xã ký Trích lục khai tử', role: 'leader', unit: 'LANHDAO', budget: { value: 2, unit: 'hours' } },
    ],
  },
];
