/**
 * Lifecycle states mapped to the national status codes the National Public Service Portal
 * (Cổng Dịch vụ công quốc gia) synchronises. One table, used by the API, the forms and the portal feed.
 */
import type { LifecycleState } from './types';

export interface NationalStatus {
  code: number;
  name: string;
}

export const NATIONAL_STATUS: Record<LifecycleState, NationalStatus> = {
  submitted: { code: 1, name: 'Mới đăng ký' },
  // guided at intake to complete the dossier (form 02), not received
  intake_supplement: { code: 5, name: 'Yêu cầu bổ sung giấy tờ' },
  received: { code: 2, name: 'Được tiếp nhận' },
  refused_intake: { code: 3, name: 'Không được tiếp nhận' },
  assigned: { code: 4, name: 'Đang xử lý' },
  processing: { code: 4, name: 'Đang xử lý' },
  awaiting_supplement: { code: 5, name: 'Yêu cầu bổ sung giấy tờ' },
  // refined by pause reason in nationalStatus() below
  paused: { code: 4, name: 'Đang xử lý' },
  result: { code: 9, name: 'Đã xử lý xong' },
  returned: { code: 10, name: 'Đã trả kết quả' },
  withdrawal_requested: { code: 7, name: 'Công dân yêu cầu rút hồ sơ' },
  withdrawn: { code: 8, name: 'Dừng xử lý' },
};

export const FINANCIAL_OBLIGATION: NationalStatus = { code: 6, name: 'Yêu cầu thực hiện nghĩa vụ tài chính' };

/** The national status of a dossier, given its lifecycle state and (when paused) the pause reason. */
export function nationalStatus(state: LifecycleState, pauseReason?: string | null): NationalStatus {
  if (state === 'paused' && pauseReason === 'financial_obligation') return FINANCIAL_OBLIGATION;
  return NATIONAL_STATUS[state];
}
