/**
 * Procedures handled by Phòng Kinh tế since the 2025 two-tier reform moved them to the commune:
 * household business registration, construction permits for individual houses, first-time land
 * registration and certificates.
 *
 * Sources checked on 2026-11-24 (stored public material only; the National Public Service Portal
 * itself was not reachable):
 * - 1.001612 Đăng ký thành lập hộ kinh doanh: two independent public repositories, one of them a
 *   script mapping old codes to dichvucong.gov.vn codes ("2.000720" is the change-of-registration
 *   procedure, not this one). Secondary, consistent.
 * - 1.013225 Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ: NOT CONFIRMED. Public repositories list
 *   1.013225 (with 1.013226 = điều chỉnh, ... 1.013229 as its siblings) and the older 1.009122 for this
 *   procedure; 1.013225 is taken as the current code. Check on dichvucong.gov.vn before production.
 * - 1.013978 Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận lần đầu (hộ gia đình, cá
 *   nhân): a dichvucong.gov.vn link label and Lâm Đồng's portal ("1.013978.H36") in public repositories;
 *   one repository pairs it with Decree 151/2025 and Decision 3380/QĐ-BNNMT. Bắc Ninh publishes a
 *   provincial variant 1.115443. Secondary, consistent.
 * - Times (3 / 15 / 20 working days) are the figures generally known and given in the brief; the legal
 *   texts were not re-read in this session. The Law on Construction says "15 ngày"; provinces publish it
 *   as working days, and the engine counts working days.
 * - Fees are set by each provincial People's Council (HĐND tỉnh); the amounts below are the demo centre's
 *   choice of a common level, not a national figure.
 */
import type { ProcedureDefinitionInput } from '../schema';

export const ECONOMY: ProcedureDefinitionInput[] = [
  {
    code: '1.001612', // source: secondary, see header
    version: 1,
    name: 'Đăng ký thành lập hộ kinh doanh',
    field: { code: 'HKD', name: 'Thành lập và hoạt động của hộ kinh doanh' }, // field code is local
    level: 'commune',
    processingTime: { value: 3, unit: 'days' }, // source: 03 ngày làm việc — not re-read (see header)
    legalBasis: 'Nghị định số 01/2021/NĐ-CP về đăng ký doanh nghiệp; Nghị định số 168/2025/NĐ-CP (từ 01/7/2025)',
    fee: { amount: 100000, note: 'Mức lệ phí do HĐND tỉnh quy định; trung tâm mẫu áp dụng 100.000 đồng' },
    requiredDocuments: [
      { name: 'Giấy đề nghị đăng ký hộ kinh doanh', copies: 1, original: true },
      {
        name: 'Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh (trường hợp các thành viên hộ gia đình đăng ký)',
        copies: 1,
        original: true,
      },
      {
        name: 'Văn bản ủy quyền của thành viên hộ gia đình cho một thành viên làm chủ hộ kinh doanh (nếu có)',
        copies: 1,
        original: false, optional: true,
      },
    ],
    resultDocument: 'Giấy chứng nhận đăng ký hộ kinh doanh',
    steps: [
      { id: 'tiep-nhan', name: 'Tiếp nhận, chuyển hồ sơ', role: 'counter', unit: 'TTPVHCC', budget: { value: 4, unit: 'hours' } },
      { id: 'tham-dinh', name: 'Chuyên viên kiểm tra hồ sơ, nhập dữ liệu đăng ký', role: 'specialist', unit: 'KINHTE', budget: { value: 1, unit: 'days' } },
      { id: 'ky-cap', name: 'Trưởng phòng Kinh tế ký Giấy chứng nhận đăng ký hộ kinh doanh', role: 'leader', unit: 'KINHTE', budget: { value: 1, unit: 'days' } },
    ],
  },
  {
    code: '1.013225', // source: NOT CONFIRMED — 1.013225 or the older 1.009122, see header
    version: 1,
    name: 'Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ',
    field: { code: 'XAYDUNG', name: 'Hoạt động xây dựng' }, // field code is local
    level: 'commune',
    processingTime: { value: 15, unit: 'days' }, // source: Luật Xây dựng "15 ngày"; not re-read (see header)
    legalBasis: 'Luật Xây dựng số 50/2014/QH13 (sửa đổi, bổ sung năm 2020); Nghị định số 175/2024/NĐ-CP',
    fee: { amount: 75000, note: 'Mức lệ phí do HĐND tỉnh quy định; trung tâm mẫu áp dụng 75.000 đồng/giấy phép' },
    requiredDocuments: [
      { name: 'Đơn đề nghị cấp giấy phép xây dựng (theo mẫu)', copies: 1, original: true },
      { name: 'Bản sao giấy tờ chứng minh quyền sử dụng đất', copies: 1, original: false },
      {
        name: 'Bản vẽ thiết kế xây dựng (mặt bằng, mặt cắt, mặt đứng, móng, đấu nối hạ tầng kỹ thuật)',
        copies: 2,
        original: true,
      },
      { name: 'Bản cam kết bảo đảm an toàn đối với công trình liền kề (nếu có)', copies: 1, original: true, optional: true },
    ],
    resultDocument: 'Giấy phép xây dựng',
    steps: [
      { id: 'tiep-nhan', name: 'Tiếp nhận, chuyển hồ sơ', role: 'counter', unit: 'TTPVHCC', budget: { value: 4, unit: 'hours' } },
      { id: 'tham-dinh', name: 'Chuyên viên thẩm định hồ sơ, kiểm tra thực địa', role: 'specialist', unit: 'KINHTE', budget: { value: 9, unit: 'days' } },
      { id: 'truong-phong-duyet', name: 'Trưởng phòng Kinh tế xem xét, trình ký', role: 'leader', unit: 'KINHTE', budget: { value: 2, unit: 'days' } },
      { id: 'ky-cap', name: 'Lãnh đạo UBND xã ký Giấy phép xây dựng', role: 'leader', unit: 'LANHDAO', budget: { value: 3, unit: 'days' } },
    ],
  },
  {
    code: '1.013978', // source: secondary, see header
    version: 1,
    name: 'Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu đối với hộ gia đình, cá nhân',
    field: { code: 'DATDAI', name: 'Đất đai' }, // field code is local
    level: 'commune',
    processingTime: { value: 20, unit: 'days' }, // source: 20 ngày làm việc — not re-read (see header)
    legalBasis: 'Luật Đất đai số 31/2024/QH15; Nghị định số 101/2024/NĐ-CP; Nghị định số 151/2025/NĐ-CP',
    fee: {
      amount: 100000,
      note: 'Lệ phí cấp Giấy chứng nhận do HĐND tỉnh quy định (trung tâm mẫu áp dụng 100.000 đồng); chưa gồm tiền sử dụng đất, lệ phí trước bạ do cơ quan thuế xác định',
    },
    requiredDocuments: [
      { name: 'Đơn đăng ký đất đai, tài sản gắn liền với đất (Mẫu số 15, Nghị định 151/2025/NĐ-CP)', copies: 1, original: true },
      {
        name: 'Giấy tờ về quyền sử dụng đất theo Điều 137 Luật Đất đai (nếu có); sơ đồ nhà ở, công trình xây dựng (nếu có)',
        copies: 1,
        original: false, optional: true,
      },
      { name: 'Mảnh trích đo bản đồ địa chính thửa đất (nếu có)', copies: 1, original: true, optional: true },
      {
        name: 'Chứng từ thực hiện nghĩa vụ tài chính; giấy tờ về miễn, giảm nghĩa vụ tài chính (nếu có)',
        copies: 1,
        original: false,
      },
    ],
    resultDocument: 'Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất',
    steps: [
      { id: 'tiep-nhan', name: 'Tiếp nhận, chuyển hồ sơ', role: 'counter', unit: 'TTPVHCC', budget: { value: 4, unit: 'hours' } },
      { id: 'tham-dinh', name: 'Chuyên viên kiểm tra hồ sơ, xác minh thực địa, niêm yết công khai', role: 'specialist', unit: 'KINHTE', budget: { value: 8, unit: 'days' } },
      { id: 'chuyen-thue', name: 'Lập phiếu chuyển thông tin xác định nghĩa vụ tài chính, cập nhật hồ sơ địa chính', role: 'specialist', unit: 'KINHTE', budget: { value: 3, unit: 'days' } },
      { id: 'truong-phong-duyet', name: 'Trưởng phòng Kinh tế kiểm tra, trình ký', role: 'leader', unit: 'KINHTE', budget: { value: 3, unit: 'days' } },
      { id: 'ky-cap', name: 'Lãnh đạo UBND xã ký Giấy chứng nhận', role: 'leader', unit: 'LANHDAO', budget: { value: 3, unit: 'days' } },
    ],
    // The wait for the applicant's financial obligation (and the tax office's confirmation) does not count.
    pauseReasons: ['financial_obligation', 'verification', 'applicant_request', 'other'],
  },
];
