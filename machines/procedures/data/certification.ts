/**
 * Certification (lĩnh vực Chứng thực) at the commune People's Committee.
 *
 * Sources checked on 2026-11-24:
 * - code 2.000815: three independent public repositories that mirror the national database
 *   (one carries the portal link "maThuTuc=2.000815" with the name below). Secondary, consistent.
 * - time: Decree 23/2015/NĐ-CP — "ngay trong ngày ... hoặc trong ngày làm việc tiếp theo, nếu tiếp nhận
 *   yêu cầu sau 15 giờ" [V] in /work/shared/domain/regulations-with-sources.md §4.1; the same wording is
 *   on Lào Cai's published procedure page for a sibling certification procedure.
 * - fee: Circular 226/2016/TT-BTC — 2.000 đ/trang, from the 3rd page 1.000 đ/trang, at most 200.000 đ
 *   per copy (general knowledge, matching one public demo; not re-read). `amount` is the first-page rate.
 */
import type { ProcedureDefinitionInput } from '../schema';

export const CERTIFICATION: ProcedureDefinitionInput[] = [
  {
    code: '2.000815', // source: secondary (public mirrors of the national database), see header
    version: 1,
    name: 'Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận',
    field: { code: 'CHUNGTHUC', name: 'Chứng thực' }, // field code is local
    level: 'commune',
    processingTime: { value: 0, unit: 'days' }, // source: Decree 23/2015 — same day, next working day after 15:00
    legalBasis: 'Nghị định số 23/2015/NĐ-CP',
    fee: {
      amount: 2000,
      note: '2.000 đồng/trang; từ trang thứ ba trở lên 1.000 đồng/trang, tối đa 200.000 đồng/bản (Thông tư 226/2016/TT-BTC)',
    },
    requiredDocuments: [
      // the original is shown for comparison and handed back (Decree 23/2015 Art. 20: "xuất trình bản chính", [G]: not
      // in the domain notes, which say only that documents that have to be shown need no electronic copy)
      { name: 'Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao', copies: 1, original: true, showOnly: true },
      { name: 'Bản sao cần chứng thực (nếu người yêu cầu tự chuẩn bị)', copies: 1, original: false },
    ],
    resultDocument: 'Bản sao được chứng thực từ bản chính',
    steps: [
      { id: 'tiep-nhan', name: 'Tiếp nhận yêu cầu, chuyển hồ sơ', role: 'counter', unit: 'TTPVHCC', budget: { value: 1, unit: 'hours' } },
      { id: 'doi-chieu', name: 'Đối chiếu bản sao với bản chính, ghi lời chứng, vào sổ chứng thực', role: 'specialist', unit: 'VHXH', budget: { value: 3, unit: 'hours' } },
      { id: 'ky-chung-thuc', name: 'Lãnh đạo UBND xã ký chứng thực, đóng dấu', role: 'leader', unit: 'LANHDAO', budget: { value: 2, unit: 'hours' } },
    ],
    cutoff: '15:00', // the decree's own cut-off, stated even though it equals the centre default
  },
];
