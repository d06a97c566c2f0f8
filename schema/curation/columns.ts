/**
 * The columns of `curated.trades` (docs/design.md §10), derived from the trade-field table so that a field
 * added there is a column here too: every trade field at the type a query computes in (price
 * decimal(38,18), executed_at a UTC timestamp), the defaults applied (a row never says NULL for
 * "USD", "NEW" or version 1), the trade's `status`, the partition column `trade_date`, and the
 * writer's ingestion fields as the raw table holds them, for lineage.
 */
import { INGESTION_FIELDS, TRADE_FIELDS, type TradeField } from '../trade-fields';
import { type CurationEngine, utcTimestampSql } from './engine';

/** A column of the curated table, and how the curation computes it from a raw row. */
export interface CuratedColumn {
  readonly name: string;
  /** Type in Athena's DDL (an Iceberg type). */
  readonly type: string;
  readonly comment: string;
  /** SQL computing the column from the raw row aliased `raw`. */
  readonly fromRaw: (engine: CurationEngine, raw: string) => string;
}

/** The partition column: the UTC date of `executed_at`, which is the raw row's `dt`. */
export const TRADE_DATE_COLUMN = 'trade_date';

/** Values of `status`: a cancelled trade keeps its row (docs/design.md §10). */
export const TRADE_STATUSES = { active: 'ACTIVE', cancelled: 'CANCELLED' } as const;

/** The exec_type whose event cancels a trade. */
const CANCEL = 'CANCEL';

function sqlDefault(value: string | number): string {
  return typeof value === 'number' ? `${value}` : `'${value.replaceAll("'", "''")}'`;
}

function tradeColumn(field: TradeField): CuratedColumn {
  const cast = field.trinoCast;
  const type = cast === undefined ? field.glueType : 'castTo' in cast ? cast.castTo : 'timestamp';
  return {
    name: field.name,
    type,
    comment: field.comment,
    fromRaw: (engine, raw) => {
      const column = `${raw}.${field.name}`;
      const value = field.default === undefined ? column : `coalesce(${column}, ${sqlDefault(field.default)})`;
      if (cast === undefined) return value;
      // try_cast: one value no engine can read (a price above 10^20) must not stop the day's MERGE;
      // the reconciliation counts a trade whose price is NULL as not curated.
      return 'castTo' in cast ? `try_cast(${value} AS ${cast.castTo})` : utcTimestampSql(engine, value);
    },
  };
}

const execTypeField = TRADE_FIELDS.find((field) => field.name === 'exec_type');
if (execTypeField === undefined) throw new Error('curation: the trade fields need exec_type for the status');
const execType = tradeColumn(execTypeField);

const STATUS_COLUMN: CuratedColumn = {
  name: 'status',
  type: 'string',
  comment: `${TRADE_STATUSES.active}, or ${TRADE_STATUSES.cancelled} once the latest event is a cancel`,
  fromRaw: (engine, raw) =>
    `CASE WHEN ${execType.fromRaw(engine, raw)} = '${CANCEL}' THEN '${TRADE_STATUSES.cancelled}' ELSE '${TRADE_STATUSES.active}' END`,
};

const TRADE_DATE: CuratedColumn = {
  name: TRADE_DATE_COLUMN,
  type: 'date',
  comment: 'UTC date of executed_at (the raw dt); the partition',
  // The writer files each event under the UTC date of its executed_at: the same date, computed once.
  fromRaw: (_engine, raw) => `CAST(${raw}.dt AS date)`,
};

/** Every column of the curated table, in table order. */
export const CURATED_COLUMNS: readonly CuratedColumn[] = [
  ...TRADE_FIELDS.map(tradeColumn),
  STATUS_COLUMN,
  TRADE_DATE,
  ...INGESTION_FIELDS.map((field) => ({
    name: field.name,
    type: field.glueType,
    comment: field.comment,
    fromRaw: (_engine: CurationEngine, raw: string) => `${raw}.${field.name}`,
  })),
];

/** The names of the curated columns, in table order. */
export const CURATED_COLUMN_NAMES: readonly string[] = CURATED_COLUMNS.map(({ name }) => name);
