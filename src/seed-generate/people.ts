/**
 * Made-up people: applicants and staff with plausible Vietnamese names, 12-digit citizen ID numbers
 * (province code, sex/century digit, year of birth, six digits), mobile numbers and addresses.
 * Fictitious by construction: every value comes from the seeded generator.
 */
import type { Rng } from './prng';

const FAMILY: Readonly<Record<string, number>> = {
  Nguyễn: 38,
  Trần: 11,
  Lê: 9.5,
  Phạm: 7,
  Hoàng: 4,
  Huỳnh: 1,
  Phan: 4.5,
  Vũ: 3,
  Võ: 1,
  Đặng: 2.1,
  Bùi: 2,
  Đỗ: 1.4,
  Hồ: 1.3,
  Ngô: 1.3,
  Dương: 1,
  Lý: 0.5,
  Đinh: 0.8,
  Trịnh: 0.6,
  Mai: 0.5,
  Lương: 0.5,
};
const MIDDLE_M = ['Văn', 'Đức', 'Minh', 'Quang', 'Hữu', 'Thanh', 'Xuân', 'Ngọc', 'Công', 'Trung', 'Bảo', 'Hoàng'];
const MIDDLE_F = ['Thị', 'Thu', 'Ngọc', 'Thanh', 'Minh', 'Hồng', 'Phương', 'Bích', 'Hoài', 'Khánh', 'Diệu', 'Mai'];
const GIVEN_M = [
  'An',
  'Bình',
  'Cường',
  'Dũng',
  'Đạt',
  'Hải',
  'Hiếu',
  'Hùng',
  'Huy',
  'Khoa',
  'Kiên',
  'Long',
  'Minh',
  'Nam',
  'Phong',
  'Phúc',
  'Quân',
  'Sơn',
  'Thắng',
  'Thành',
  'Trung',
  'Tuấn',
  'Việt',
  'Vinh',
];
const GIVEN_F = [
  'Anh',
  'Chi',
  'Dung',
  'Giang',
  'Hà',
  'Hạnh',
  'Hằng',
  'Hoa',
  'Hương',
  'Lan',
  'Linh',
  'Loan',
  'Mai',
  'Nga',
  'Ngọc',
  'Nhung',
  'Oanh',
  'Phương',
  'Quỳnh',
  'Thảo',
  'Trang',
  'Tuyết',
  'Vân',
  'Yến',
];
const STREETS = [
  'Lê Lợi',
  'Trần Hưng Đạo',
  'Nguyễn Trãi',
  'Quang Trung',
  'Hai Bà Trưng',
  'Lý Thường Kiệt',
  'Phan Đình Phùng',
  'Hoàng Diệu',
  'Ngô Quyền',
  'Bà Triệu',
];
/** Most applicants are from the province (001 = Hà Nội), some from elsewhere. */
const ID_PROVINCES: Readonly<Record<string, number>> = { '001': 80, '034': 4, '036': 4, '038': 3, '030': 3, '033': 3, '079': 3 };

export interface Person {
  fullName: string;
  idNumber: string;
  phone: string;
  address: string;
}

export function personName(rng: Rng, female = rng.chance(0.5)): string {
  const family = rng.weighted(FAMILY);
  return `${family} ${rng.pick(female ? MIDDLE_F : MIDDLE_M)} ${rng.pick(female ? GIVEN_F : GIVEN_M)}`;
}

/** A resident of the commune `place` ("xã Vân Hòa, thành phố Hà Nội"), born between 1950 and 2006. */
export function applicant(rng: Rng, place: string): Person {
  const female = rng.chance(0.52);
  const year = 1950 + rng.int(57);
  const sexCentury = (year >= 2000 ? 2 : 0) + (female ? 1 : 0);
  const prefix = rng.pick(['090', '091', '093', '094', '096', '097', '098', '086', '088', '032', '035', '038', '070', '077', '081', '083']);
  const address = rng.chance(0.5) ? `Số ${1 + rng.int(300)} đường ${rng.pick(STREETS)}, ${place}` : `Thôn ${1 + rng.int(12)}, ${place}`;
  return {
    fullName: personName(rng, female),
    idNumber: `${rng.weighted(ID_PROVINCES)}${sexCentury}${String(year % 100).padStart(2, '0')}${rng.digits(6)}`,
    phone: `${prefix}${rng.digits(7)}`,
    address,
  };
}
