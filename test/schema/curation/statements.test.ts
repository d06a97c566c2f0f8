import { DuckDBInstance } from '@duckdb/node-api';
import { subsetViolations } from '../../../local/sql-subset';
import { CURATED_COLUMN_NAMES, CURATED_COLUMNS } from '../../../schema/curation/columns';
import { ddlType, utcTimestampSql } from '../../../schema/curation/engine';
import { eventRankKeys, outranks, streamPositionKeys } from '../../../schema/curation/event-order';
import { curationInputProblems, MAX_REQUESTED_DAYS } from '../../../schema/curation/run-contract';
import {
  curatedTableDdl,
  duplicateRepairStatement,
  fillSlots,
  mergeSlots,
  mergeStatement,
  mergeTemplate,
  optimizeStatement,
  optimizeTemplate,
  reconciliationQuery,
  slotNames,
  vacuumStatement,
} from '../../../schema/curation/statements';
import type { CurationTables } from '../../../schema/curation/tables';
import { addDays, athenaStringParameter, dateLiteral, partitionDayProblem } from '../../../schema/curation/values';
import { cutoffOf, MOVE_WINDOW_DAYS, mergeWindow, SETTLE_MINUTES } from '../../../schema/curation/window';
import { INGESTION_FIELDS, TRADE_FIELDS } from '../../../schema/trade-fields';

const TABLES: CurationTables = {
  raw: { database: 'trading_data_lake_dev', table: 'trades' },
  curated: { database: 'trading_data_lake_curated_dev', table: 'trades' },
};
const WINDOW = mergeWindow('2026-01-02', '2026-01-02T09:45:00.000Z');

describe('curated columns', () => {
  it('derive from the trade-field table: every trade field and ingestion field, then status and trade_date', () => {
    for (const { name } of [...TRADE_FIELDS, ...INGESTION_FIELDS]) expect(CURATED_COLUMN_NAMES).toContain(name);
    expect(CURATED_COLUMN_NAMES).toEqual(expect.arrayContaining(['status', 'trade_date']));
    expect(new Set(CURATED_COLUMN_NAMES).size).toBe(CURATED_COLUMN_NAMES.length);
  });

  it('type price as decimal(38,18), executed_at as a timestamp, trade_date as a date, never price as double', () => {
    const types = Object.fromEntries(CURATED_COLUMNS.map(({ name, type }) => [name, type]));
    expect(types).toMatchObject({
      price: 'decimal(38,18)',
      executed_at: 'timestamp',
      trade_date: 'date',
      version: 'bigint',
      quantity: 'double',
      trade_id: 'string',
    });
  });

  it('apply the defaults a producer may leave out, so the table never says NULL for them', () => {
    const sql = (name: string) => CURATED_COLUMNS.find((column) => column.name === name)?.fromRaw('athena', 'r');
    expect(sql('currency')).toBe("coalesce(r.currency, 'USD')");
    expect(sql('exec_type')).toBe("coalesce(r.exec_type, 'NEW')");
    expect(sql('version')).toBe('coalesce(r.version, 1)');
    expect(sql('status')).toBe("CASE WHEN coalesce(r.exec_type, 'NEW') = 'CANCEL' THEN 'CANCELLED' ELSE 'ACTIVE' END");
    expect(sql('trade_date')).toBe('CAST(r.dt AS date)');
  });
});

describe('the engine differences, one function each', () => {
  it('parses timestamps with Trino functions for Athena and a TIMESTAMPTZ cast for DuckDB, both in UTC', () => {
    expect(utcTimestampSql('athena', 'x')).toBe(
      "try(CAST(from_iso8601_timestamp_nanos(regexp_replace(x, '(\\.[0-9]{6})[0-9]+', '$1')) AT TIME ZONE 'UTC' AS timestamp(6)))",
    );
    expect(utcTimestampSql('duckdb', 'x')).toBe("TRY_CAST(CAST(x AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS TIMESTAMP)");
  });

  it.each([
    ['2026-01-02T10:00:00Z', '2026-01-02 10:00:00'],
    ['2026-01-02T10:00:00.5+02:00', '2026-01-02 08:00:00.5'],
    ['2026-01-03T05:29:59.123456789+05:30', '2026-01-02 23:59:59.123456'],
    ['2026-01-02T10:00:00.9999999Z', '2026-01-02 10:00:00.999999'],
    ['2026-01-02T23:30:00-01:00', '2026-01-03 00:30:00'],
  ])(
    'reads %s in DuckDB as the UTC time %s, whatever the session time zone, digits past the sixth dropped',
    async (text, utc) => {
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      try {
        for (const zone of ['UTC', 'Asia/Kolkata', 'America/New_York']) {
          await connection.run(`SET TimeZone = '${zone}'`);
          const reader = await connection.runAndReadAll(
            `SELECT CAST(${utcTimestampSql('duckdb', '$1')} AS VARCHAR) AS utc`,
            [text],
          );
          expect(reader.getRowObjectsJson()).toEqual([{ utc }]);
        }
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
    },
  );

  it('creates an Iceberg v2 table in Athena: Parquet, ZSTD, partitioned by trade_date, under trades/ of its bucket', () => {
    const ddl = curatedTableDdl('athena', TABLES.curated, { bucketName: 'curated-bucket', prefix: 'trades/' });
    expect(ddl).toMatch(/^CREATE TABLE IF NOT EXISTS trading_data_lake_curated_dev\.trades \(/);
    expect(ddl).toContain('  price decimal(38,18) COMMENT ');
    expect(ddl).toContain('  executed_at timestamp COMMENT ');
    expect(ddl).toContain('PARTITIONED BY (trade_date)\n');
    expect(ddl).toContain("LOCATION 's3://curated-bucket/trades/'");
    expect(ddl).toContain("'table_type'='ICEBERG'");
    expect(ddl).toContain("'format'='parquet'");
    expect(ddl).toContain("'write_compression'='zstd'");
    // Hive DDL would need an apostrophe escaped: comments carry a typographic one instead.
    expect(ddl.match(/COMMENT '([^']*)'/g)).toHaveLength(CURATED_COLUMNS.length);
    expect(() => curatedTableDdl('athena', TABLES.curated)).toThrow('S3 location');
  });

  it('creates a plain DuckDB table with the same columns in DuckDB types', () => {
    const ddl = curatedTableDdl('duckdb', { database: 'curated', table: 'trades' });
    expect(ddl).toContain('CREATE TABLE IF NOT EXISTS "curated"."trades" (');
    expect(ddl).toContain('  price DECIMAL(38,18)');
    expect(ddl).toContain('  trade_date DATE');
    expect(ddl).not.toContain('PARTITIONED');
    expect(ddlType('duckdb', 'string')).toBe('VARCHAR');
    expect(() => ddlType('duckdb', 'map<string,string>')).toThrow('no DuckDB type');
  });

  it('compacts and vacuums in Athena only (DuckDB has no small files or snapshots)', () => {
    expect(optimizeStatement('athena', TABLES.curated, ['2026-01-02', '2026-01-03'])).toBe(
      "OPTIMIZE trading_data_lake_curated_dev.trades REWRITE DATA USING BIN_PACK WHERE trade_date IN (DATE '2026-01-02', DATE '2026-01-03')",
    );
    expect(vacuumStatement('athena', TABLES.curated)).toBe('VACUUM trading_data_lake_curated_dev.trades');
    expect(optimizeTemplate('duckdb', TABLES.curated)).toBeUndefined();
    expect(optimizeStatement('duckdb', TABLES.curated, ['2026-01-02'])).toBeUndefined();
    expect(vacuumStatement('duckdb', TABLES.curated)).toBeUndefined();
    expect(() => optimizeStatement('athena', TABLES.curated, [])).toThrow('at least one day');
  });
});

describe('the MERGE', () => {
  const sql = mergeStatement('athena', TABLES, WINDOW);

  it('has four slots, all filled with literals (MERGE takes no execution parameters in Athena)', () => {
    expect(slotNames(mergeTemplate('athena', TABLES))).toEqual(['dt', 'cutoff', 'lookupFrom', 'lookupTo']);
    expect(slotNames(sql)).toEqual([]);
    expect(sql).not.toContain('?');
    expect(sql).toContain("WHERE r.dt = '2026-01-02' AND r.ingestion_time < '2026-01-02T09:45:00.000Z'");
  });

  it('reads one row per trade_id: the highest version, then the latest stream position', () => {
    expect(sql).toContain(
      "row_number() OVER (PARTITION BY e.trade_id ORDER BY e.version DESC, lpad(e.sequence_number, 129, '0') DESC, coalesce(e.sub_sequence_number, 0) DESC, e.ingestion_time) AS event_rank",
    );
    expect(sql).toContain('WHERE event_rank = 1');
  });

  it(`looks for the row a trade has within ${MOVE_WINDOW_DAYS} days of the merged day, and updates only when the source outranks it`, () => {
    expect(sql).toContain(
      "ON t.trade_id = s.trade_id AND t.trade_date BETWEEN DATE '2025-12-26' AND DATE '2026-01-09'\n  AND t.trade_date = s.target_trade_date AND t.version = s.target_version AND lpad(t.sequence_number, 129, '0') = lpad(s.target_sequence_number, 129, '0') AND coalesce(t.sub_sequence_number, 0) = coalesce(s.target_sub_sequence_number, 0)\nWHEN MATCHED",
    );
    expect(sql).toContain(`WHEN MATCHED AND (${outranks('s', 't')}) THEN\n  UPDATE SET symbol = s.symbol,`);
    expect(sql).toContain('trade_date = s.trade_date');
    expect(sql).not.toContain('trade_id = s.trade_id,');
    expect(sql).toMatch(
      /WHEN NOT MATCHED THEN\n {2}INSERT \(trade_id, symbol, .*\)\n {2}VALUES \(s\.trade_id, s\.symbol, /,
    );
  });

  it('names in its source the one row it may replace: the winner of the trade within the window, by the event order', () => {
    expect(sql).toContain(
      "row_number() OVER (PARTITION BY c.trade_id ORDER BY c.version DESC, lpad(c.sequence_number, 129, '0') DESC, coalesce(c.sub_sequence_number, 0) DESC, c.ingestion_time, c.trade_date DESC) AS row_rank\n" +
        '    FROM "trading_data_lake_curated_dev"."trades" c\n' +
        "    WHERE c.trade_date BETWEEN DATE '2025-12-26' AND DATE '2026-01-09'\n" +
        '  ) w ON w.trade_id = d.trade_id AND w.row_rank = 1',
    );
  });

  it('names the tables in double quotes and refuses a name that would need more', () => {
    expect(sql).toContain('MERGE INTO "trading_data_lake_curated_dev"."trades" AS t');
    expect(sql).toContain('FROM "trading_data_lake_dev"."trades" r');
    expect(() => mergeTemplate('athena', { ...TABLES, raw: { table: 'trades"; DROP' } })).toThrow('lower case');
  });
});

describe('the SQL both engines read alike (local/sql-subset.ts)', () => {
  it('holds in the MERGE but for trade_date, the date its raw dt names, and in the repair throughout', () => {
    const rules = (sql: string) => subsetViolations(sql, []).map(({ rule, found }) => `${rule}: ${found}`);
    // The rule is for queries that filter on dt; the MERGE computes trade_date from it once per row.
    expect(rules(mergeStatement('duckdb', TABLES, WINDOW))).toEqual(['dt-as-date: cast(r.dt as']);
    expect(rules(duplicateRepairStatement(TABLES.curated))).toEqual([]);
  });
});

describe('the duplicate repair', () => {
  const sql = duplicateRepairStatement(TABLES.curated);

  it("matches each row by trade_id to its trade's one winner, and deletes it only when it is not that winner", () => {
    expect(sql).toContain('WHERE row_rank = 1\n) AS s\nON t.trade_id = s.trade_id\n');
    expect(sql).toMatch(
      /WHEN MATCHED AND NOT \(t\.trade_date = s\.winner_trade_date AND t\.version = s\.winner_version AND .* = coalesce\(s\.winner_sub_sequence_number, 0\)\) THEN DELETE$/,
    );
  });
});

describe('literals and slots', () => {
  it('refuses a day or a cutoff that is not exactly a date or a UTC instant, so no quote reaches the SQL', () => {
    expect(() => mergeWindow("2026-01-02' OR '1'='1", WINDOW.cutoff)).toThrow('calendar date');
    expect(() => mergeWindow('2026-02-30', WINDOW.cutoff)).toThrow('calendar date');
    expect(() => mergeWindow('2026-01-02', '2026-01-02 09:45:00')).toThrow('UTC instant');
    expect(() => mergeWindow('2026-01-02', '2026-01-02T25:00:00.000Z')).toThrow('UTC instant');
    expect(() => dateLiteral('2026-1-2')).toThrow('calendar date');
    expect(() => athenaStringParameter("x' OR 1=1 --")).toThrow('cannot be a parameter');
  });

  it('fills every slot or refuses: a missing literal, or one holding $ or braces', () => {
    expect(fillSlots('a {x} b {x}', { x: "'1'" })).toBe("a '1' b '1'");
    expect(() => fillSlots('a {x} {y}', { x: '1' })).toThrow('no literal for slot {y}');
    expect(() => fillSlots('a {x}', { x: '$1' })).toThrow('"$"');
    expect(() => fillSlots('a {x}', { x: '{y}' })).toThrow('"{"');
  });

  it('renders the window as SQL literals', () => {
    expect(mergeSlots(WINDOW)).toEqual({
      dt: "'2026-01-02'",
      cutoff: "'2026-01-02T09:45:00.000Z'",
      lookupFrom: "DATE '2025-12-26'",
      lookupTo: "DATE '2026-01-09'",
    });
  });

  it('sets the cutoff SETTLE_MINUTES before the run and the lookup across month and year ends', () => {
    expect(cutoffOf(new Date('2026-03-01T00:05:00.000Z'))).toBe(
      new Date(Date.parse('2026-03-01T00:05:00.000Z') - SETTLE_MINUTES * 60_000).toISOString(),
    );
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(mergeWindow('2026-02-27', WINDOW.cutoff)).toMatchObject({
      lookupFrom: '2026-02-20',
      lookupTo: '2026-03-06',
    });
  });
});

describe('the reconciliation query', () => {
  const sql = reconciliationQuery('athena', TABLES);

  it('takes its four values as execution parameters, each in a WHERE clause (the only place Athena takes them)', () => {
    const lines = sql.split('\n').filter((line) => line.includes('?'));
    expect(sql.match(/\?/g)).toHaveLength(4);
    for (const line of lines) expect(line.trim()).toMatch(/^WHERE /);
  });

  it('reads the raw day once, through the same source as the MERGE', () => {
    expect(sql.match(/FROM "trading_data_lake_dev"\."trades" r/g)).toHaveLength(1);
    expect(sql).toContain('WHERE r.dt = ? AND r.ingestion_time < ?');
    expect(sql).toContain('WHERE trade_date BETWEEN CAST(? AS date) AND CAST(? AS date)');
  });
});

describe('which row wins', () => {
  it('ranks by version, then stream position (sequence number, then the place in a KPL aggregate)', () => {
    expect(eventRankKeys('s')).toEqual([
      's.version',
      "lpad(s.sequence_number, 129, '0')",
      'coalesce(s.sub_sequence_number, 0)',
    ]);
    expect(streamPositionKeys('t')).toEqual([
      "lpad(t.sequence_number, 129, '0')",
      'coalesce(t.sub_sequence_number, 0)',
    ]);
    expect(outranks('s', 't')).toBe(
      "s.version > t.version OR (s.version = t.version AND (lpad(s.sequence_number, 129, '0') > lpad(t.sequence_number, 129, '0') OR (lpad(s.sequence_number, 129, '0') = lpad(t.sequence_number, 129, '0') AND (coalesce(s.sub_sequence_number, 0) > coalesce(t.sub_sequence_number, 0)))))",
    );
  });

  it.each([
    [2, '100', 'NULL', 1, '900', 'NULL', true],
    [1, '900', 'NULL', 2, '100', 'NULL', false],
    [1, '1000', 'NULL', 1, '999', 'NULL', true],
    [1, '999', 'NULL', 1, '1000', 'NULL', false],
    [1, '100', 'NULL', 1, '100', 'NULL', false],
    [1, '100', '3', 1, '100', '0', true],
    [1, '100', '0', 1, '100', '3', false],
    [1, '100', '0', 1, '100', 'NULL', false],
  ])('version %s at %s/%s outranks version %s at %s/%s: %s (in DuckDB)', async (v1, s1, u1, v2, s2, u2, expected) => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const row = (version: number, sequence: string, sub: string) =>
      `(SELECT ${version} AS version, '${sequence}' AS sequence_number, CAST(${sub} AS INTEGER) AS sub_sequence_number)`;
    try {
      const reader = await connection.runAndReadAll(
        `SELECT ${outranks('a', 'b')} AS wins FROM ${row(v1, s1, u1)} a, ${row(v2, s2, u2)} b`,
      );
      expect(reader.getRowObjectsJson()).toEqual([{ wins: expected }]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});

describe('the execution input', () => {
  const now = new Date('2026-01-10T12:00:00.000Z');

  it('takes {} and a list of raw days, tomorrow included', () => {
    expect(curationInputProblems({}, now)).toEqual([]);
    expect(curationInputProblems({ days: ['2026-01-02', '2026-01-11', '2020-01-01'] }, now)).toEqual([]);
  });

  it('refuses anything else, naming every problem', () => {
    expect(curationInputProblems([], now)).toEqual([expect.stringContaining('must be a JSON object')]);
    expect(curationInputProblems({ day: '2026-01-02' }, now)).toEqual([
      'unknown member "day": the input takes only "days"',
    ]);
    expect(curationInputProblems({ days: '2026-01-02' }, now)).toEqual([expect.stringContaining('must be an array')]);
    expect(curationInputProblems({ days: ['2026-02-30', 20260102, '2026-01-12', '2019-12-31'] }, now)).toEqual([
      'days[0] "2026-02-30": not a calendar date written YYYY-MM-DD',
      'days[1] 20260102: not a string',
      'days[2] "2026-01-12": after 2026-01-11, the last day the writer accepts today',
      'days[3] "2019-12-31": before 2020-01-01, the first day the raw table holds',
    ]);
    const tooMany = Array.from({ length: MAX_REQUESTED_DAYS + 1 }, (_, index) => addDays('2025-01-01', index % 300));
    expect(curationInputProblems({ days: tooMany }, now)).toEqual([expect.stringContaining('at most 366')]);
  });

  it('checks a partition day against the day the run starts', () => {
    expect(partitionDayProblem('2026-01-11', now)).toBeUndefined();
    expect(partitionDayProblem('2026-01-11', new Date('2026-01-09T23:59:59.999Z'))).toContain('after 2026-01-10');
  });
});
