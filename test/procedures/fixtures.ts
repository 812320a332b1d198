/** A small valid definition that tests change one field at a time. */
export function sameDayDefinition(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    code: '1.001193',
    version: 1,
    name: 'Đăng ký khai sinh',
    field: { code: 'HOTICH', name: 'Hộ tịch' },
    level: 'commune',
    processingTime: { value: 0, unit: 'days' },
    legalBasis: 'Luật Hộ tịch số 60/2014/QH13',
    fee: { amount: 0 },
    requiredDocuments: [{ name: 'Tờ khai đăng ký khai sinh', copies: 1, original: true }],
    resultDocument: 'Giấy khai sinh',
    steps: [
      { id: 'tham-dinh', name: 'Thẩm định', role: 'specialist', unit: 'VHXH', budget: { value: 4, unit: 'hours' } },
      { id: 'truong-phong', name: 'Trưởng phòng duyệt', role: 'leader', unit: 'VHXH', budget: { value: 2, unit: 'hours' } },
      { id: 'ky-cap', name: 'Lãnh đạo ký', role: 'leader', unit: 'LANHDAO', budget: { value: 2, unit: 'hours' } },
    ],
    ...overrides,
  };
}

export function step(id: string, budget: { value: number; unit: string }, extra: Record<string, unknown> = {}) {
  return { id, name: `Bước ${id}`, role: 'specialist', unit: 'KINHTE', budget, ...extra };
}
