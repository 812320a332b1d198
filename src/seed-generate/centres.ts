/**
 * The province's centres: each commune centre has its own agency identifier code (the prefix of its
 * dossier codes) and its own staff in the catalogue's units (one-stop counter, offices, leadership).
 * Centre 1 takes the server's default agency code 000.00.12.H29, so a server started on a generated
 * database acts as centre 1 and continues its numbering. Staff accounts are written inactive and
 * without a usable password: they exist because events name them, and nobody can sign in as them
 * until an administrator sets a password.
 */
import type { ActorRef } from '../../machines/dossier';
import type { Role } from '../../machines/procedures';
import { DEFAULT_AGENCY_CODE } from '../app/engine-factory';
import { personName } from './people';
import { Rng } from './prng';

const COMMUNES = [
  'Vân Hòa',
  'Tây Hồ',
  'Ba Đình',
  'Hoàn Kiếm',
  'Cửa Nam',
  'Ô Chợ Dừa',
  'Láng',
  'Ngọc Hà',
  'Giảng Võ',
  'Hai Bà Trưng',
  'Vĩnh Tuy',
  'Bạch Mai',
  'Đống Đa',
  'Kim Liên',
  'Văn Miếu - Quốc Tử Giám',
  'Thanh Xuân',
  'Khương Đình',
  'Cầu Giấy',
  'Nghĩa Đô',
  'Yên Hòa',
  'Tương Mai',
  'Định Công',
  'Hoàng Liệt',
  'Yên Sở',
  'Long Biên',
  'Bồ Đề',
  'Việt Hưng',
  'Phúc Lợi',
  'Sóc Sơn',
  'Đa Phúc',
  'Kim Anh',
  'Trung Giã',
  'Đông Anh',
  'Phúc Thịnh',
  'Thư Lâm',
  'Gia Lâm',
  'Thuận An',
  'Bát Tràng',
  'Thanh Trì',
  'Đại Thanh',
  'Ngọc Hồi',
  'Nam Phù',
  'Thường Tín',
  'Hồng Vân',
  'Chương Mỹ',
  'Phú Nghĩa',
  'Xuân Mai',
  'Quốc Oai',
];

export interface Staff extends ActorRef {
  unit: string;
  fullName: string;
  roles: Role[];
}

export interface Centre {
  index: number;
  agencyCode: string;
  /** "phường Vân Hòa, thành phố Hà Nội" */
  place: string;
  clerks: Staff[];
  /** per office unit: its specialists and its head */
  offices: Record<string, { specialists: Staff[]; head: Staff }>;
  /** the commune's leaders (chairman, vice-chairmen) */
  leaders: Staff[];
}

/** The agency code of centre `index` (0-based): 000.00.12.H29, 000.00.13.H29, … */
export function agencyCodeOf(index: number): string {
  if (index === 0) return DEFAULT_AGENCY_CODE;
  return `000.00.${String(12 + index).padStart(2, '0')}.H29`;
}

function placeOf(index: number): string {
  const name = COMMUNES[index % COMMUNES.length]!;
  const round = Math.floor(index / COMMUNES.length);
  return `${index % 3 === 0 ? 'xã' : 'phường'} ${name}${round ? ` ${round + 1}` : ''}, thành phố Hà Nội`;
}

/** The centre's staff; the unit codes are the catalogue's (procedure steps name them). */
export function buildCentre(seed: string, index: number): Centre {
  const rng = new Rng(`${seed}|centre-staff|${index}`);
  const prefix = `c${String(index + 1).padStart(2, '0')}`;
  const staff = (username: string, unit: string, roles: Role[]): Staff => ({
    username: `${prefix}.${username}`,
    unit,
    fullName: personName(rng),
    roles,
  });
  const clerks = Array.from({ length: 2 + rng.int(4) }, (_, i) => staff(`motcua${i + 1}`, 'TTPVHCC', ['counter']));
  const office = (unit: string, slug: string, n: number) => ({
    specialists: Array.from({ length: n }, (_, i) => staff(`${slug}.cv${i + 1}`, unit, ['specialist'])),
    head: staff(`${slug}.tp`, unit, ['leader']),
  });
  return {
    index,
    agencyCode: agencyCodeOf(index),
    place: placeOf(index),
    clerks,
    offices: { VHXH: office('VHXH', 'vhxh', 2 + rng.int(2)), KINHTE: office('KINHTE', 'kinhte', 2 + rng.int(3)) },
    leaders: [staff('lanhdao.ct', 'LANHDAO', ['leader']), staff('lanhdao.pct', 'LANHDAO', ['leader'])],
  };
}

export function allStaff(c: Centre): Staff[] {
  return [...c.clerks, ...Object.values(c.offices).flatMap((o) => [...o.specialists, o.head]), ...c.leaders];
}

const indexes = new WeakMap<Centre, Map<string, Staff>>();

/** The centre's staff member with this username (events name staff by username). */
export function staffByUsername(c: Centre, username: string): Staff | undefined {
  let index = indexes.get(c);
  if (!index) indexes.set(c, (index = new Map(allStaff(c).map((s) => [s.username, s]))));
  return index.get(username);
}

export function actorOf(s: Staff): ActorRef {
  return { username: s.username, unit: s.unit };
}
