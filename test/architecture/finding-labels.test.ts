/**
 * Every kind of audit finding the verifier can report (notices included) has a Vietnamese label in
 * machines/vocabulary.ts FINDING_LABELS, which GET /api/vocabulary serves to the auditor's page: an auditor
 * never reads a raw code such as `document_ref_drift` or `file_deleted_by_retention`.
 */
import { ALL_FINDING_KINDS } from '../../src/audit/verify-all';
import { FINDING_LABELS, vocabulary } from '../../machines/vocabulary';

test('every audit finding kind has a Vietnamese label in the vocabulary', () => {
  expect(ALL_FINDING_KINDS.filter((kind) => !FINDING_LABELS[kind])).toEqual([]);
  expect(ALL_FINDING_KINDS.filter((kind) => !vocabulary().findings[kind])).toEqual([]);
});

test('the retention notice and the broken deletion log are named in Vietnamese', () => {
  expect(FINDING_LABELS.file_deleted_by_retention).toMatch(/thời hạn lưu trữ/);
  expect(FINDING_LABELS.deletion_log_broken).toMatch(/Nhật ký xóa/);
});
