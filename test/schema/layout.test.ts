import {
  PRODUCER_FIELDS,
  QUARANTINE_COLUMNS,
  QUARANTINE_DUCKDB_COLUMNS,
  REQUIRED_PRODUCER_FIELDS,
  RESERVED_FIELDS,
  TRADE_COLUMNS,
  TRADE_DUCKDB_COLUMNS,
  TRADE_FIELD_DEFAULTS,
  TRADE_FIELD_VALUES,
} from '../../schema/layout';

describe('the columns of the raw tables', () => {
  it('keep every column the trades table had before the shared table, add exec_type and version before the ingestion fields, and sub_sequence_number after the sequence number', () => {
    expect(TRADE_COLUMNS).toEqual([
      { name: 'trade_id', type: 'string', comment: 'producer trade id, string or integer as sent' },
      { name: 'symbol', type: 'string', comment: 'instrument symbol, [A-Z0-9.-]{1,16}' },
      { name: 'side', type: 'string', comment: 'BUY or SELL' },
      { name: 'quantity', type: 'double', comment: 'quantity, > 0' },
      { name: 'price', type: 'string', comment: 'price as sent, exact; cast to decimal(38,18) to compute' },
      { name: 'executed_at', type: 'string', comment: 'ISO 8601 timestamp with zone; decides dt' },
      { name: 'currency', type: 'string', comment: 'ISO 4217 code, USD when absent' },
      { name: 'venue', type: 'string', comment: 'optional execution venue' },
      { name: 'account_id', type: 'string', comment: 'optional account' },
      { name: 'trader_id', type: 'string', comment: 'optional trader' },
      { name: 'exec_type', type: 'string', comment: 'NEW, CORRECT or CANCEL; NEW when absent' },
      {
        name: 'version',
        type: 'bigint',
        comment: "the producer's version of the trade, 1 when absent; the highest is current",
      },
      { name: 'shard_id', type: 'string', comment: 'ingestion: Kinesis shard id' },
      { name: 'sequence_number', type: 'string', comment: 'ingestion: Kinesis sequence number (dedup order)' },
      {
        name: 'sub_sequence_number',
        type: 'int',
        comment: 'ingestion: position of the user record in a KPL aggregated record, from 0; NULL for a plain record',
      },
      { name: 'arrival_time', type: 'string', comment: 'ingestion: approximate arrival time, ISO 8601 UTC' },
      {
        name: 'ingestion_time',
        type: 'string',
        comment: 'ingestion: time the writer handled the record, ISO 8601 UTC',
      },
    ]);
  });

  it('keep the quarantine table as it was, with sub_sequence_number after the sequence number', () => {
    expect(QUARANTINE_COLUMNS.map(({ name, type }) => `${name} ${type}`)).toEqual([
      'reason string',
      'message string',
      'raw_data string',
      'shard_id string',
      'sequence_number string',
      'sub_sequence_number int',
      'partition_key string',
      'arrival_time string',
      'ingestion_time string',
    ]);
  });

  it('give DuckDB the same columns in the same order, in its own types', () => {
    expect(TRADE_DUCKDB_COLUMNS.map(({ name }) => name)).toEqual(TRADE_COLUMNS.map(({ name }) => name));
    expect(QUARANTINE_DUCKDB_COLUMNS.map(({ name }) => name)).toEqual(QUARANTINE_COLUMNS.map(({ name }) => name));
    const duckdbTypeOf = Object.fromEntries(TRADE_DUCKDB_COLUMNS.map(({ name, type }) => [name, type]));
    expect(duckdbTypeOf).toMatchObject({
      trade_id: 'VARCHAR',
      quantity: 'DOUBLE',
      price: 'VARCHAR',
      version: 'BIGINT',
      sub_sequence_number: 'INTEGER',
    });
    // A Hive string is a DuckDB VARCHAR, a double a DOUBLE, a bigint a BIGINT, an int an INTEGER: both
    // engines read one line alike.
    const expected: Record<string, string> = { string: 'VARCHAR', double: 'DOUBLE', bigint: 'BIGINT', int: 'INTEGER' };
    for (const [index, { type }] of TRADE_COLUMNS.entries())
      expect(TRADE_DUCKDB_COLUMNS[index].type).toBe(expected[type]);
    for (const [index, { type }] of QUARANTINE_COLUMNS.entries())
      expect(QUARANTINE_DUCKDB_COLUMNS[index].type).toBe(expected[type]);
  });
});

describe('what producers are told', () => {
  it('names the fields they may send and those they must send', () => {
    expect(PRODUCER_FIELDS).toEqual([
      'trade_id',
      'symbol',
      'side',
      'quantity',
      'price',
      'executed_at',
      'currency',
      'venue',
      'account_id',
      'trader_id',
      'exec_type',
      'version',
    ]);
    expect(REQUIRED_PRODUCER_FIELDS).toEqual(['trade_id', 'symbol', 'side', 'quantity', 'price', 'executed_at']);
  });

  it('gives the defaults of absent fields and the values of enumerated ones', () => {
    expect(TRADE_FIELD_DEFAULTS).toEqual({ currency: 'USD', exec_type: 'NEW', version: 1 });
    expect(TRADE_FIELD_VALUES).toEqual({ side: ['BUY', 'SELL'], exec_type: ['NEW', 'CORRECT', 'CANCEL'] });
  });

  it('reserves the names the writer adds to every line', () => {
    expect(RESERVED_FIELDS).toEqual([
      'shard_id',
      'sequence_number',
      'sub_sequence_number',
      'arrival_time',
      'ingestion_time',
    ]);
  });
});
