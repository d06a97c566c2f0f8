import { NAMED_QUERIES, resolveQueryText } from '../../../cli/query/named-queries';
import { executionParameters, queryParameters, sqlStringLiteral } from '../../../cli/query/parameters';

const names = (sql: string) => queryParameters(sql).map(({ name, isDate }) => (isDate ? `${name}:date` : name));

describe('queryParameters: the ? of a query, named from the SQL, in the order Athena fills them', () => {
  it('names a ? by the column it is compared with', () => {
    expect(names('SELECT * FROM t WHERE symbol = ? AND quantity >= ?')).toEqual(['symbol', 'quantity']);
  });

  it('names the two ends of a BETWEEN first_ and last_, and reads a cast to date as a date', () => {
    expect(
      names('SELECT 1 FROM c WHERE trade_date BETWEEN CAST(? AS date) AND CAST(? AS date) AND trade_id = ?'),
    ).toEqual(['first_trade_date:date', 'last_trade_date:date', 'trade_id']);
  });

  it('knows the partition column dt for a date, qualified or quoted', () => {
    expect(names('SELECT 1 FROM "db"."trades" t WHERE t.dt = ? OR "dt" BETWEEN ? AND ?')).toEqual([
      'dt:date',
      'first_dt:date',
      'last_dt:date',
    ]);
  });

  it('numbers a ? it cannot name, and a column compared twice', () => {
    expect(names("SELECT 1 FROM t WHERE json_extract_scalar(p, '$.a') = ? AND x = ? AND x < ? AND ? = y")).toEqual([
      'parameter_1',
      'x',
      'x_2',
      'parameter_4',
    ]);
  });

  it('ignores a ? inside a string, a quoted name or a comment', () => {
    expect(names('SELECT \'?\', "a?" -- ?\n/* ? */ FROM t WHERE x = ?')).toEqual(['x']);
    expect(names("SELECT 'it''s ?' FROM t WHERE y = ?")).toEqual(['y']);
  });

  it('does not take the AND of a WHERE clause for the end of a BETWEEN', () => {
    expect(names('SELECT 1 FROM t WHERE a BETWEEN 1 AND 2 AND b = ? AND ?')).toEqual(['b', 'parameter_2']);
  });

  it('refuses SQL that ends inside a string', () => {
    expect(() => queryParameters("SELECT 'open FROM t WHERE x = ?")).toThrow(SyntaxError);
  });
});

describe('the named queries of schema/queries/', () => {
  it.each(NAMED_QUERIES.map((named) => [named.query.name, named]))(
    '%s: every ? is named from its column, none by position',
    (_name, named) => {
      const sql = named.sql({ raw: 'raw_db', curated: 'curated_db' });
      expect(named.parameters).toHaveLength(sql.split('?').length - 1);
      for (const parameter of named.parameters) expect(parameter.column).toBeDefined();
      expect(new Set(named.parameters.map(({ name }) => name)).size).toBe(named.parameters.length);
    },
  );

  it('are found by name, SQL is recognised by its spaces, and a near miss names the closest query', () => {
    expect(resolveQueryText('vwap-by-symbol')).toMatchObject({ kind: 'named' });
    expect(resolveQueryText('SELECT 1')).toMatchObject({ kind: 'sql', sql: 'SELECT 1', parameters: [] });
    expect(() => resolveQueryText('vwap-by-symbl')).toThrow(
      /No named query 'vwap-by-symbl' \(did you mean vwap-by-symbol\?\)/,
    );
  });
});

describe('executionParameters', () => {
  const tradeById = queryParameters('SELECT 1 FROM c WHERE d BETWEEN CAST(? AS date) AND CAST(? AS date) AND id = ?');

  it('fills every date from --date and the rest from --param, in order, as SQL strings', () => {
    expect(executionParameters('q', tradeById, { date: '2026-11-30', params: [{ name: 'id', value: 'T1' }] })).toEqual([
      "'2026-11-30'",
      "'2026-11-30'",
      "'T1'",
    ]);
  });

  it('lets --param set one date and --date the other', () => {
    const params = [
      { name: 'first_d', value: '2026-11-01' },
      { name: 'id', value: 'T1' },
    ];
    expect(executionParameters('q', tradeById, { date: '2026-11-30', params })).toEqual([
      "'2026-11-01'",
      "'2026-11-30'",
      "'T1'",
    ]);
  });

  it('doubles quotes, so a value can never end its literal', () => {
    expect(sqlStringLiteral("O'Brien' OR '1'='1")).toBe("'O''Brien'' OR ''1''=''1'");
  });

  it.each([
    [{ params: [{ name: 'id', value: 'T1' }] }, 'q needs first_d (--date or --param), last_d (--date or --param).'],
    [{ date: '2026-11-30', params: [] }, 'q needs id (--param).'],
    [
      { date: '2026-11-30', params: [{ name: 'symbol', value: 'X' }] },
      'q has no parameter symbol: it takes first_d, last_d, id.',
    ],
    [
      { params: [{ name: 'first_d', value: '30/11/2026' }] },
      "first_d is a date: give it as YYYY-MM-DD, not '30/11/2026'.",
    ],
    [
      {
        date: '2026-11-30',
        params: [
          { name: 'id', value: 'a' },
          { name: 'id', value: 'b' },
        ],
      },
      '--param id is given twice.',
    ],
  ])('says what is wrong with %j', (values, message) => {
    expect(() => executionParameters('q', tradeById, values)).toThrow(message);
  });

  it('refuses --date for a query that takes no date', () => {
    expect(() => executionParameters('q', queryParameters('SELECT 1'), { date: '2026-11-30', params: [] })).toThrow(
      'q takes no date, so --date has nothing to fill.',
    );
  });
});
