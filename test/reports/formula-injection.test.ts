/**
 * Exports cannot carry spreadsheet formulas (OWASP "CSV injection"): a CSV cell that starts with =, +, -, @,
 * a tab or a carriage return is written with a leading apostrophe, in every CSV the project writes (they
 * all go through writeCsv); XLSX cells hold such text as a plain string, never a formula.
 */
import { PassThrough } from 'node:stream';
import * as ExcelJS from 'exceljs';
import { csvCell, writeCsv, type Column } from '../../src/reports/formats/csv';
import { addTableSheet } from '../../src/reports/formats/xlsx';

const HOSTILE = ['=HYPERLINK("http://evil.example","bấm")', "-1+cmd|' /C calc'!A0", '+1+1', '@SUM(A1:A9)', '\t=1+1', '\r=1+1'];

interface Row {
  name: string;
  n: number;
}
const COLUMNS: Column<Row>[] = [
  { header: 'Họ tên', type: 'text', value: (r) => r.name },
  { header: 'Số', type: 'number', value: (r) => r.n },
];

async function collect(write: (out: PassThrough) => Promise<void>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await write(out);
  return Buffer.concat(chunks);
}

describe('formula injection', () => {
  test('a text cell starting with = + - @ tab or CR gets a leading apostrophe; other text and numbers are unchanged', () => {
    expect(csvCell('text', '=1+1')).toBe("'=1+1");
    expect(csvCell('text', '+84912345678')).toBe("'+84912345678");
    expect(csvCell('text', '-')).toBe("'-");
    expect(csvCell('text', '@x')).toBe("'@x");
    expect(csvCell('text', '\tx')).toBe("'\tx");
    expect(csvCell('text', '\rx')).toBe(`"'\rx"`);
    expect(csvCell('text', '=A1,B1')).toBe(`"'=A1,B1"`);
    expect(csvCell('text', 'Nguyễn Văn A')).toBe('Nguyễn Văn A');
    expect(csvCell('text', 'a=b')).toBe('a=b');
    expect(csvCell('number', -3)).toBe('-3');
    expect(csvCell('rate', -0.5)).toBe('-0.5');
  });

  test('a CSV export of hostile names has no cell a spreadsheet would evaluate', async () => {
    const text = (
      await collect((out) =>
        writeCsv(
          out,
          COLUMNS,
          HOSTILE.map((name, n) => ({ name, n: -n })),
        ),
      )
    ).toString('utf8');
    const lines = text.slice(1).split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(1 + HOSTILE.length);
    const firstCells = lines.slice(1).map((l) => l.replace(/^"/, '').charAt(0));
    expect(firstCells).toStrictEqual(HOSTILE.map(() => "'"));
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://evil.example"",""bấm"")",0`);
    expect(lines[2]).toBe(`'-1+cmd|' /C calc'!A0,-1`);
  });

  test('XLSX cells keep hostile text as plain strings, never formulas', async () => {
    const bytes = await collect(async (out) => {
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
      await addTableSheet(
        wb,
        'Hồ sơ',
        COLUMNS,
        HOSTILE.map((name, n) => ({ name, n })),
      );
      await wb.commit();
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('Hồ sơ')!;
    HOSTILE.forEach((name, i) => {
      const cell = sheet.getRow(i + 2).getCell(1);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.value).toBe(name.replace(/\r/g, '\n')); // XML turns a bare CR into a line feed
    });
  });
});
