import { type Cell, type Column, type Format, type Row, renderRows } from '../output/rows';
import type { ResultColumn } from './run-query';

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint']);
const FLOAT_TYPES = new Set(['double', 'real', 'float']);
const NUMERIC_TYPES = new Set([...INTEGER_TYPES, ...FLOAT_TYPES, 'decimal']);

/** Athena's type without its arguments: `decimal(38,18)` is `decimal`. */
function baseType(type: string): string {
  return type.replace(/\(.*$/, '').trim().toLowerCase();
}

/**
 * A cell as JSON: integers and doubles as numbers when they fit one exactly, booleans as booleans,
 * decimals as text (a price has 18 decimals; a JSON number would round it), NULL as null.
 */
function jsonCell(text: string | null, type: string): Cell {
  if (text === null) return null;
  const base = baseType(type);
  if (base === 'boolean') return text === 'true';
  if (INTEGER_TYPES.has(base)) {
    const number = Number(text);
    return Number.isSafeInteger(number) ? number : text;
  }
  if (FLOAT_TYPES.has(base)) {
    const number = Number(text);
    return Number.isFinite(number) ? number : text;
  }
  return text;
}

/** Column keys for the rows: the names Athena gives, a repeated name numbered (`count`, `count_2`). */
function columnKeys(columns: readonly ResultColumn[]): string[] {
  const seen = new Map<string, number>();
  return columns.map(({ name }) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name}_${count}`;
  });
}

/** A query's rows as `trades` prints rows: a table, CSV (Athena's text), or JSON (typed). */
export function renderQueryResult(
  columns: readonly ResultColumn[],
  rows: readonly (readonly (string | null)[])[],
  format: Format,
): string {
  const keys = columnKeys(columns);
  const shown: Column[] = columns.map((column, i) => ({
    key: keys[i] as string,
    header: column.name,
    align: NUMERIC_TYPES.has(baseType(column.type)) ? 'right' : 'left',
  }));
  const asRows: Row[] = rows.map((row) =>
    Object.fromEntries(
      columns.map((column, i) => [
        keys[i] as string,
        format === 'json' ? jsonCell(row[i] ?? null, column.type) : (row[i] ?? null),
      ]),
    ),
  );
  return renderRows(shown, asRows, format);
}
