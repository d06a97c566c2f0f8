import Table from 'cli-table3';
import { Option } from 'commander';

/**
 * Rows as a command prints them: a table for people, CSV or JSON for scripts. Every command that
 * prints rows takes `--format` (formatOption) and renders through renderRows, so all of them print
 * the same way.
 */

export const FORMATS = ['table', 'csv', 'json'] as const;
export type Format = (typeof FORMATS)[number];

/** A value of a cell: rendered as text in a table or CSV, as itself in JSON. */
export type Cell = string | number | boolean | null;
export type Row = Readonly<Record<string, Cell>>;

export interface Column {
  /** The member of each row it shows. */
  readonly key: string;
  /** Its heading in a table and in the CSV header. @default the key */
  readonly header?: string;
  /** @default 'left' */
  readonly align?: 'left' | 'right';
}

/** The `--format` option, the same for every command that prints rows. */
export function formatOption(defaultFormat: Format = 'table'): Option {
  return new Option('--format <format>', 'how to print the result').choices(FORMATS).default(defaultFormat);
}

function text(cell: Cell | undefined): string {
  return cell === null || cell === undefined ? '' : String(cell);
}

/** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
function csvField(cell: Cell | undefined): string {
  const value = text(cell);
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * A table without colours (the same bytes on a terminal, in a file and in a test), and compact: a
 * line under the header, none between rows.
 */
function newTable(options: ConstructorParameters<typeof Table>[0]): InstanceType<typeof Table> {
  return new Table({ ...options, style: { head: [], border: [], compact: true } });
}

/** The rows in `format`, ending with a line break. JSON is one array of objects with the columns' keys. */
export function renderRows(columns: readonly Column[], rows: readonly Row[], format: Format): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(rows.map((row) => Object.fromEntries(columns.map(({ key }) => [key, row[key] ?? null]))))}\n`;
    case 'csv':
      return [
        columns.map(({ key, header }) => csvField(header ?? key)),
        ...rows.map((row) => columns.map(({ key }) => csvField(row[key]))),
      ]
        .map((fields) => `${fields.join(',')}\r\n`)
        .join('');
    case 'table': {
      const table = newTable({
        head: columns.map(({ key, header }) => header ?? key),
        colAligns: columns.map(({ align }) => align ?? 'left'),
      });
      for (const row of rows) table.push(columns.map(({ key }) => text(row[key])));
      return `${table.toString()}\n`;
    }
  }
}

/** One record shown as label/value lines (a summary): a two-column table, or one JSON object, or CSV. */
export function renderRecord(
  fields: readonly { readonly key: string; readonly label: string; readonly value: Cell }[],
  format: Format,
): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(Object.fromEntries(fields.map(({ key, value }) => [key, value])))}\n`;
    case 'csv':
      return renderRows(
        fields.map(({ key }) => ({ key })),
        [Object.fromEntries(fields.map(({ key, value }) => [key, value]))],
        'csv',
      );
    case 'table': {
      const table = newTable({ colAligns: ['left', 'right'] });
      for (const { label, value } of fields) table.push([label, text(value)]);
      return `${table.toString()}\n`;
    }
  }
}
