/**
 * Demo staff accounts, one per role plus two in other units for cross-unit tests, all with the
 * password "demo". Idempotent: only missing accounts are created. `hasDemoPasswords` lets a
 * production start-up refuse to run while any active account still opens with that password.
 */
import type { Knex } from 'knex';
import type { Role } from '../../machines/procedures';
import { hashPassword, verifyPassword } from '../../src/services/auth/passwords';
import { insertUserRecord, listUserRecords } from '../../src/store/user-store';

export const DEMO_PASSWORD = 'demo';

interface DemoUser {
  username: string;
  fullName: string;
  /** chức danh as printed under the name on forms */
  title: string;
  roles: Role[];
  unit: string;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'admin', fullName: 'Bùi Văn Khoa', title: 'Chuyên viên Công nghệ thông tin', roles: ['admin'], unit: 'TTPVHCC' },
  {
    username: 'counter',
    fullName: 'Nguyễn Thị Lan',
    title: 'Công chức Trung tâm Phục vụ hành chính công',
    roles: ['counter'],
    unit: 'TTPVHCC',
  },
  { username: 'specialist', fullName: 'Trần Văn Minh', title: 'Chuyên viên Phòng Kinh tế', roles: ['specialist'], unit: 'KINHTE' },
  { username: 'leader', fullName: 'Lê Quang Hùng', title: 'Phó Chủ tịch Ủy ban nhân dân xã', roles: ['leader'], unit: 'LANHDAO' },
  {
    username: 'supervisor',
    fullName: 'Phạm Thu Hà',
    title: 'Phó Giám đốc Trung tâm Phục vụ hành chính công',
    roles: ['supervisor'],
    unit: 'TTPVHCC',
  },
  { username: 'auditor', fullName: 'Đỗ Minh Tuấn', title: 'Chuyên viên kiểm soát thủ tục hành chính', roles: ['auditor'], unit: 'TTPVHCC' },
  {
    username: 'specialist_vhxh',
    fullName: 'Hoàng Thị Mai',
    title: 'Chuyên viên Phòng Văn hóa - Xã hội',
    roles: ['specialist'],
    unit: 'VHXH',
  },
  { username: 'leader_kinhte', fullName: 'Vũ Đức Thắng', title: 'Trưởng phòng Kinh tế', roles: ['leader'], unit: 'KINHTE' },
];

export async function seedDemoUsers(db: Knex, at: string): Promise<void> {
  const existing = new Set(
    (
      await db('users')
        .whereIn(
          'username',
          DEMO_USERS.map((u) => u.username),
        )
        .select('username')
    ).map((r) => String(r.username)),
  );
  const missing = DEMO_USERS.filter((u) => !existing.has(u.username));
  const hashes = await Promise.all(missing.map(() => hashPassword(DEMO_PASSWORD)));
  for (const [i, u] of missing.entries()) {
    await insertUserRecord(db, { ...u, roles: [...u.roles], passwordHash: hashes[i]!, active: true, demo: true, createdAt: at });
  }
  // Demo accounts created before titles existed get theirs (and the admin its person's name); real accounts are left alone.
  for (const u of DEMO_USERS.filter((d) => existing.has(d.username))) {
    await db('users').where({ username: u.username, demo: true, title: '' }).update({ full_name: u.fullName, title: u.title });
  }
}

/** true if any active account still verifies with the demo password. */
export async function hasDemoPasswords(db: Knex): Promise<boolean> {
  const users = await listUserRecords(db, { activeOnly: true });
  const results = await Promise.all(users.map((u) => verifyPassword(DEMO_PASSWORD, u.passwordHash)));
  return results.some(Boolean);
}
