import { RESERVED_FIELDS } from '../../../schema/layout';
import { optionalString, RECORD_RULES, TRADE_FIELDS, type TradeField } from '../../../schema/trade-fields';
import { JsonObjectView, SCANNED_OBJECT } from '../../../schema/validation/json-object';
import { REJECTIONS } from '../../../schema/validation/rejection';
import { charsetTable, TradeChecker, type TradeSchema } from '../../../schema/validation/trade-checker';
import { tradeFields, tradeJson } from '../../../tools/fixtures/trade-events';

const WINDOW = { earliest: '2020-01-01', latest: '2026-03-12' };
const view = new JsonObjectView();
const sharedChecker = new TradeChecker();

/** The dt of a valid trade text, or the reason and message it is rejected with. */
function check(text: string, checker: TradeChecker = sharedChecker): string | { reason: string; message: string } {
  const bytes = Buffer.from(text, 'utf8');
  expect(view.scan(bytes, 0, bytes.length)).toBe(SCANNED_OBJECT);
  const result = checker.check(view, WINDOW);
  return typeof result === 'string' ? result : { reason: result.reason, message: result.message };
}

/** The rejection of a field of the shared table. */
function broken(field: string): { reason: string; message: string } {
  const row = TRADE_FIELDS.find(({ name }) => name === field);
  if (row === undefined) throw new Error(`no field ${field}`);
  return { reason: 'SCHEMA', message: row.message };
}

const without = (field: string) => {
  const fields = tradeFields();
  delete fields[field];
  return JSON.stringify(fields);
};

describe('the trade checker on the shared table', () => {
  it('accepts a trade with every field and returns its partition date', () => {
    expect(check(tradeJson())).toBe('2026-03-11');
  });

  it('accepts a trade with only the required fields', () => {
    const required = {
      trade_id: 7,
      symbol: 'BRK.B',
      side: 'SELL',
      quantity: 0.5,
      price: 1,
      executed_at: '2026-03-11T10:00:00+01:00',
    };
    expect(check(JSON.stringify(required))).toBe('2026-03-11');
  });

  it('accepts null for an optional field and keeps fields it does not know', () => {
    expect(
      check(tradeJson({ currency: null, venue: null, account_id: null, trader_id: null, strategy: { id: 'S1' } })),
    ).toBe('2026-03-11');
  });

  it.each([
    ['trade_id', tradeJson({ trade_id: '' }), broken('trade_id')],
    ['trade_id', tradeJson({ trade_id: 'x'.repeat(129) }), broken('trade_id')],
    ['trade_id', tradeJson({ trade_id: 1.5 }), broken('trade_id')],
    ['trade_id', tradeJson({ trade_id: null }), broken('trade_id')],
    ['trade_id', without('trade_id'), broken('trade_id')],
    ['symbol', tradeJson({ symbol: '' }), broken('symbol')],
    ['symbol', tradeJson({ symbol: 'ABCDEFGHIJKLMNOPQ' }), broken('symbol')],
    ['symbol', tradeJson({ symbol: 'aapl' }), broken('symbol')],
    ['symbol', tradeJson({ symbol: 'AA PL' }), broken('symbol')],
    ['symbol', tradeJson({ symbol: 'ÄPL' }), broken('symbol')],
    ['symbol', without('symbol'), broken('symbol')],
    ['side', tradeJson({ side: 'buy' }), broken('side')],
    ['side', without('side'), broken('side')],
    ['quantity', tradeJson({ quantity: 0 }), broken('quantity')],
    ['quantity', tradeJson({ quantity: -1 }), broken('quantity')],
    ['quantity', tradeJson({ quantity: '100' }), broken('quantity')],
    ['quantity', tradeJson({ quantity: 1 }).replace('"quantity":1', '"quantity":1e400'), broken('quantity')],
    ['quantity', tradeJson({ quantity: 1 }).replace('"quantity":1', '"quantity":1e-400'), broken('quantity')],
    ['quantity', tradeJson({ quantity: 1 }).replace('"quantity":1', '"quantity":-0.0'), broken('quantity')],
    ['price', tradeJson({ price: '0' }), broken('price')],
    ['price', tradeJson({ price: '0.000' }), broken('price')],
    ['price', tradeJson({ price: '-1.5' }), broken('price')],
    ['price', tradeJson({ price: '1.' }), broken('price')],
    ['price', tradeJson({ price: '.5' }), broken('price')],
    ['price', tradeJson({ price: ' 1.5' }), broken('price')],
    ['price', tradeJson({ price: 'NaN' }), broken('price')],
    ['price', tradeJson({ price: 0 }), broken('price')],
    ['price', tradeJson({ price: true }), broken('price')],
    ['price', without('price'), broken('price')],
    ['executed_at', tradeJson({ executed_at: 1773239400 }), broken('executed_at')],
    ['executed_at', tradeJson({ executed_at: '2026-03-11 10:00:00' }), broken('executed_at')],
    ['executed_at', without('executed_at'), broken('executed_at')],
    ['currency', tradeJson({ currency: 'usd' }), broken('currency')],
    ['currency', tradeJson({ currency: 'USDT' }), broken('currency')],
    ['currency', tradeJson({ currency: 840 }), broken('currency')],
    ['venue', tradeJson({ venue: 7 }), broken('venue')],
    ['account_id', tradeJson({ account_id: { id: 1 } }), broken('account_id')],
    ['trader_id', tradeJson({ trader_id: ['T'] }), broken('trader_id')],
  ])('rejects a bad %s: %s', (_, text, rejection) => {
    expect(check(text)).toEqual(rejection);
  });

  it.each([
    ['a decimal string with 18 decimals', { price: '0.000000000000000001' }],
    ['a price with leading zeros', { price: '007.50' }],
    ['an integer trade_id', { trade_id: 42 }],
    ['a 128-character trade_id', { trade_id: 'x'.repeat(128) }],
    ['a symbol with a dot and a dash', { symbol: 'BRK.B-W' }],
    ['a fractional quantity', { quantity: 0.001 }],
  ])('accepts %s', (_, fields) => {
    expect(check(tradeJson(fields))).toBe('2026-03-11');
  });

  it('accepts a number price with 18 decimals, which no double holds exactly', () => {
    expect(check(tradeJson().replace('"price":"187.25"', '"price":64123.123456789012345678'))).toBe('2026-03-11');
  });

  it('accepts fields whose names and values are written with escapes', () => {
    expect(
      check(
        '{"trade\\u005fid":"T-1","symbol":"\\u0041APL","side":"S\\u0045LL","quantity":1,"price":"1\\u002e5","executed_at":"2026-03-11T10:00:00\\u005a"}',
      ),
    ).toBe('2026-03-11');
  });

  it('accepts a 20-digit integer trade_id, which no double holds exactly', () => {
    expect(check(tradeJson().replace('"T-0001"', '12345678901234567890'))).toBe('2026-03-11');
  });

  it.each([
    ['with a fraction a double would round away', '12345678901234567890.5'],
    ['with a zero fraction', '1.0'],
    ['with an exponent', '1e3'],
  ])('rejects a numeric trade_id written %s: its text would differ from the integer id', (_, literal) => {
    expect(check(tradeJson().replace('"T-0001"', literal))).toEqual(broken('trade_id'));
  });

  describe('field names', () => {
    it('rejects a field given twice, whichever value comes last', () => {
      expect(check(`{"price":"-1",${tradeJson().slice(1)}`)).toEqual({
        reason: 'DUPLICATE_KEY',
        message: REJECTIONS.duplicateKey.message,
      });
      expect(check(`${tradeJson().slice(0, -1)},"price":"-1"}`)).toMatchObject({ reason: 'DUPLICATE_KEY' });
    });

    it('rejects two names that differ only by case, which the Athena JSON SerDe would merge', () => {
      expect(check(tradeJson({ PRICE: '2' }))).toMatchObject({ reason: 'DUPLICATE_KEY' });
      expect(check(tradeJson({ Note: 'a', NOTE: 'b' }))).toMatchObject({ reason: 'DUPLICATE_KEY' });
    });

    it.each([
      ['Exec_Type', 'CANCEL'],
      ['VERSION', 'abc'],
      ['Currency', 'usd'],
      ['VENUE', 7],
    ])(
      'rejects %s without the field itself: the Athena JSON SerDe would read it as that field, unchecked',
      (name, value) => {
        const fields: Record<string, unknown> = tradeFields();
        delete fields[name.toLowerCase()];
        fields[name] = value;
        expect(check(JSON.stringify(fields))).toEqual({
          reason: 'DUPLICATE_KEY',
          message: REJECTIONS.caseVariantField.message,
        });
      },
    );

    it('still accepts a name outside the table in any case', () => {
      expect(typeof check(tradeJson({ Strategy: 'S1', note: 'x' }))).toBe('string');
    });

    it('rejects an unknown field given twice', () => {
      expect(check(`${tradeJson().slice(0, -1)},"note":1,"note":2}`)).toMatchObject({ reason: 'DUPLICATE_KEY' });
    });

    it.each(RESERVED_FIELDS.flatMap((name) => [name, name.toUpperCase()]))(
      'rejects a producer field named %s, which the writer adds itself',
      (name) => {
        expect(check(tradeJson({ [name]: 'x' }))).toEqual({
          reason: 'RESERVED_FIELD',
          message: REJECTIONS.reservedField.message,
        });
      },
    );

    it('rejects a name that is a known field once its escapes are read', () => {
      expect(check(`${tradeJson().slice(0, -1)},"pric\\u0065":"2"}`)).toMatchObject({ reason: 'DUPLICATE_KEY' });
    });
  });

  it('quarantines a zone offset beyond ±14:00, which Athena could not read into curated.trades', () => {
    expect(check(tradeJson({ executed_at: '2026-03-11T10:00:00+14:00' }))).toBe('2026-03-10');
    expect(check(tradeJson({ executed_at: '2026-03-11T10:00:00+15:00' }))).toEqual(broken('executed_at'));
    expect(check(tradeJson({ executed_at: '2026-03-11T10:00:00-23:59' }))).toEqual(broken('executed_at'));
  });

  describe('the partition date window', () => {
    it('accepts the first partition date and the day after ingestion', () => {
      expect(check(tradeJson({ executed_at: '2020-01-01T00:00:00Z' }))).toBe('2020-01-01');
      expect(check(tradeJson({ executed_at: '2026-03-12T23:59:59Z' }))).toBe('2026-03-12');
    });

    it('rejects dates that partition projection does not cover, so no trade is stored where no query looks', () => {
      expect(check(tradeJson({ executed_at: '2019-12-31T23:59:59Z' }))).toMatchObject({ reason: 'DATE_OUT_OF_RANGE' });
      expect(check(tradeJson({ executed_at: '2020-01-01T00:30:00+01:00' }))).toMatchObject({
        reason: 'DATE_OUT_OF_RANGE',
      });
      expect(check(tradeJson({ executed_at: '2026-03-13T00:00:00Z' }))).toMatchObject({ reason: 'DATE_OUT_OF_RANGE' });
      expect(check(tradeJson({ executed_at: '0001-01-01T00:00:00+01:00' }))).toMatchObject({
        reason: 'DATE_OUT_OF_RANGE',
      });
    });
  });
});

describe('the lifecycle fields exec_type and version (docs/design.md §5)', () => {
  const [versionRule] = RECORD_RULES;
  const needsVersion = { reason: 'SCHEMA', message: versionRule.message };

  it.each([
    ['a NEW without a version', { exec_type: 'NEW', version: undefined }],
    ['a trade with neither, which is a NEW of version 1', { exec_type: undefined, version: undefined }],
    ['null for both, read as their defaults', { exec_type: null, version: null }],
    ['a NEW with a version above 1', { exec_type: 'NEW', version: 3 }],
    ['a CORRECT with version 2', { exec_type: 'CORRECT', version: 2 }],
    ['a CANCEL with version 7', { exec_type: 'CANCEL', version: 7 }],
    ['the largest version every engine holds exactly', { exec_type: 'CORRECT', version: Number.MAX_SAFE_INTEGER }],
  ])('accepts %s', (_, fields) => {
    expect(check(tradeJson(fields))).toBe('2026-03-11');
  });

  it.each([
    ['a CORRECT with version 1', { exec_type: 'CORRECT', version: 1 }],
    ['a CORRECT without a version', { exec_type: 'CORRECT', version: undefined }],
    ['a CORRECT with a null version', { exec_type: 'CORRECT', version: null }],
    ['a CANCEL with version 1', { exec_type: 'CANCEL', version: 1 }],
    ['a CANCEL without a version', { exec_type: 'CANCEL', version: undefined }],
  ])('quarantines %s: only the version orders the events of a trade across shards', (_, fields) => {
    expect(check(tradeJson(fields))).toEqual(needsVersion);
  });

  it.each([['new'], ['AMEND'], [''], [7], [true], [['NEW']]])('rejects the exec_type %j', (execType) => {
    expect(check(tradeJson({ exec_type: execType }))).toEqual(broken('exec_type'));
  });

  it.each([
    ['0', '0'],
    ['1.5', '1.5'],
    ['"2"', '"2"'],
    ['-1', '-1'],
    ['a zero fraction', '2.0'],
    ['an exponent', '2e0'],
    ['one above the largest safe integer', '9007199254740992'],
    ['a 20-digit version', '12345678901234567890'],
    ['true', 'true'],
  ])('rejects the version %s', (_, literal) => {
    expect(check(tradeJson({ exec_type: 'CORRECT' }).replace('"version":1', `"version":${literal}`))).toEqual(
      broken('version'),
    );
  });

  it('states the first fault: a field before the record rule, the record rule before the date window', () => {
    expect(check(tradeJson({ exec_type: 'CORRECT', version: undefined, currency: 'usd' }))).toEqual(broken('currency'));
    expect(check(tradeJson({ exec_type: 'CORRECT', version: undefined, executed_at: '2019-12-31T10:00:00Z' }))).toEqual(
      needsVersion,
    );
    expect(check(tradeJson({ exec_type: 'CORRECT', version: 2, executed_at: '2019-12-31T10:00:00Z' }))).toMatchObject({
      reason: 'DATE_OUT_OF_RANGE',
    });
  });
});

describe('a checker built from another table', () => {
  const withField = (...extra: TradeField[]): TradeSchema => ({ fields: [...TRADE_FIELDS, ...extra] });

  describe('with one more optional field, strategy, added in one line', () => {
    // `strategy` has the length and first letter of `shard_id`: the old lookup table threw at load on it.
    const checker = new TradeChecker(withField(optionalString('strategy', 'trading strategy')));

    it.each([
      ['a string', 'MM-1'],
      ['null', null],
      ['nothing', undefined],
    ])('accepts %s for it', (_, strategy) => {
      expect(check(tradeJson({ strategy }), checker)).toBe('2026-03-11');
    });

    it('rejects another type for it with its own message', () => {
      expect(check(tradeJson({ strategy: 7 }), checker)).toEqual({
        reason: 'SCHEMA',
        message: 'strategy: optional, a string',
      });
    });

    it('treats it as a known name: twice, or in another case, is a duplicate', () => {
      expect(check(tradeJson({ strategy: 'A', Strategy: 'B' }), checker)).toMatchObject({ reason: 'DUPLICATE_KEY' });
      expect(check(`${tradeJson({ strategy: 'A' }).slice(0, -1)},"strategy":"B"}`, checker)).toMatchObject({
        reason: 'DUPLICATE_KEY',
      });
    });

    it('leaves the shared table alone, where strategy is an unknown field kept as sent', () => {
      expect(check(tradeJson({ strategy: 7 }))).toBe('2026-03-11');
    });
  });

  it('reads each rule of the vocabulary, both ways', () => {
    const checker = new TradeChecker(
      withField(
        {
          ...optionalString('flagged', 'a boolean'),
          json: ['boolean'],
          message: 'flagged: optional, true or false',
        },
        {
          name: 'desk',
          json: ['string'],
          required: true,
          rule: { kind: 'pattern', charset: '-A-C_', minLength: 2, maxLength: 3 },
          message: 'desk: required, 2 or 3 of -, A, B, C, _',
          glueType: 'string',
          duckdbType: 'VARCHAR',
          comment: 'desk code',
        },
        {
          name: 'lot',
          json: ['number'],
          required: false,
          rule: { kind: 'wholeNumber', min: 10, max: 20 },
          message: 'lot: optional, 10 to 20',
          glueType: 'int',
          duckdbType: 'INTEGER',
          comment: 'lot size',
        },
        {
          name: 'settles_at',
          json: ['string'],
          required: false,
          rule: { kind: 'timestamp' },
          message: 'settles_at: optional, a timestamp',
          glueType: 'string',
          duckdbType: 'VARCHAR',
          comment: 'settlement time',
        },
      ),
    );
    const verdict = (fields: Record<string, unknown>) => check(tradeJson({ desk: 'AB', ...fields }), checker);
    const rejected = (field: string) => expect.objectContaining({ message: expect.stringMatching(`^${field}: `) });

    expect(verdict({ flagged: true, lot: 10, settles_at: '2026-03-13T00:00:00Z' })).toBe('2026-03-11');
    expect(verdict({ flagged: false, lot: 20 })).toBe('2026-03-11');
    expect(verdict({ desk: '-_C' })).toBe('2026-03-11');
    expect(verdict({ flagged: 'true' })).toEqual(rejected('flagged'));
    expect(verdict({ desk: undefined })).toEqual(rejected('desk'));
    expect(verdict({ desk: 'A' })).toEqual(rejected('desk'));
    expect(verdict({ desk: 'ABCA' })).toEqual(rejected('desk'));
    expect(verdict({ desk: 'AD' })).toEqual(rejected('desk'));
    expect(verdict({ lot: 9 })).toEqual(rejected('lot'));
    expect(verdict({ lot: 21 })).toEqual(rejected('lot'));
    expect(verdict({ settles_at: '2026-02-30T00:00:00Z' })).toEqual(rejected('settles_at'));
    // A second timestamp does not decide the partition: executed_at still does.
    expect(verdict({ settles_at: '2030-01-01T00:00:00Z' })).toBe('2026-03-11');
  });

  it.each<[string, TradeSchema, RegExp]>([
    [
      'a rule that cannot read one of its JSON types',
      withField({ ...optionalString('venue_code', 'x'), json: ['number'], rule: { kind: 'enum', values: ['A'] } }),
      /venue_code: its rule enum does not read JSON number/,
    ],
    ['a name that is not lower case', withField(optionalString('Strategy', 'x')), /Strategy: names are lower-case/],
    ['a name given twice', withField(optionalString('venue', 'x')), /venue: named twice/],
    ['a name the writer adds itself', withField(optionalString('shard_id', 'x')), /shard_id: named twice/],
    [
      'no executed_at to partition by',
      { fields: TRADE_FIELDS.filter(({ name }) => name !== 'executed_at') },
      /need executed_at/,
    ],
    [
      'a record rule on a field that is not there',
      { recordRules: [{ ...RECORD_RULES[0], when: { field: 'status', oneOf: ['X'] } }] },
      /status is not an enumerated field/,
    ],
    [
      'a record rule on a value the field does not allow',
      { recordRules: [{ ...RECORD_RULES[0], when: { field: 'exec_type', oneOf: ['AMEND'] } }] },
      /AMEND is not a value of exec_type/,
    ],
    [
      'a default its own rule refuses',
      {
        fields: TRADE_FIELDS.map((field) => (field.name === 'exec_type' ? { ...field, default: 'AMEND' } : field)),
      },
      /exec_type: its default AMEND breaks its own rule/,
    ],
    [
      'a charset that is not ASCII',
      withField({
        ...optionalString('code', 'x'),
        rule: { kind: 'pattern', charset: 'A-Ö', minLength: 1, maxLength: 2 },
      }),
      /ASCII ranges only/,
    ],
  ])('refuses a table with %s when the checker is built', (_, schema, error) => {
    expect(() => new TradeChecker(schema)).toThrow(error);
  });

  it('reads a charset as a regex class does: ranges, and a dash first or last as itself', () => {
    const allowed = (charset: string) =>
      String.fromCharCode(...[...charsetTable(charset)].flatMap((on, code) => (on ? [code] : [])));
    expect(allowed('A-Z0-9.-')).toBe('-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    expect(allowed('-a-c')).toBe('-abc');
    expect(allowed('x')).toBe('x');
  });
});
