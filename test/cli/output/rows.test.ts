import { type Column, renderRecord, renderRows } from '../../../cli/output/rows';

const columns: Column[] = [{ key: 'symbol', header: 'Symbol' }, { key: 'trades', align: 'right' }, { key: 'note' }];
const rows = [
  { symbol: 'ABC', trades: 12, note: 'plain' },
  { symbol: 'X.Y', trades: 3, note: 'has, a comma and "quotes"' },
  { symbol: 'Z', trades: 0, note: null },
];

describe('renderRows', () => {
  it('prints a table with the headers and every row, without colour codes', () => {
    const table = renderRows(columns, rows, 'table');
    expect(table.split('\n')[1]).toMatch(/│ Symbol │ trades │ note +│/);
    expect(table).toContain('│ X.Y    │      3 │ has, a comma and "quotes" │');
    expect(table).not.toContain('\u001b[');
    // Compact: one line under the header, none between rows.
    expect(table.split('\n').map((line) => line[0])).toEqual(['┌', '│', '├', '│', '│', '│', '└', undefined]);
    expect(table.endsWith('\n')).toBe(true);
  });

  it('prints RFC 4180 CSV: a header line, quotes around fields with commas or quotes, quotes doubled', () => {
    expect(renderRows(columns, rows, 'csv')).toBe(
      'Symbol,trades,note\r\nABC,12,plain\r\nX.Y,3,"has, a comma and ""quotes"""\r\nZ,0,\r\n',
    );
  });

  it('prints JSON as one array of objects keyed by column, numbers as numbers and empty cells as null', () => {
    expect(JSON.parse(renderRows(columns, rows, 'json'))).toEqual(rows);
    expect(JSON.parse(renderRows(columns, [{ symbol: 'A' }], 'json'))).toEqual([
      { symbol: 'A', trades: null, note: null },
    ]);
  });
});

describe('renderRecord', () => {
  const fields = [
    { key: 'sent', label: 'sent', value: 10 },
    { key: 'failed', label: 'failed', value: 0 },
  ];

  it('prints a summary as label and value lines, one JSON object, or a CSV line', () => {
    expect(renderRecord(fields, 'table')).toMatch(/│ sent +│ +10 │\n.*\n?│ failed +│ +0 │/);
    expect(JSON.parse(renderRecord(fields, 'json'))).toEqual({ sent: 10, failed: 0 });
    expect(renderRecord(fields, 'csv')).toBe('sent,failed\r\n10,0\r\n');
  });
});
