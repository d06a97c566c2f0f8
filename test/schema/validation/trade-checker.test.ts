import { TRADE_COLUMNS } from '../../../schema/layout';
import { JsonObjectView, SCANNED_OBJECT } from '../../../schema/validation/json-object';
import { REJECTIONS } from '../../../schema/validation/rejection';
import { checkTrade, INGESTION_FIELDS, TRADE_FIELDS } from '../../../schema/validation/trade-checker';
import { tradeFields, tradeJson } from '../../../tools/fixtures/trade-events';

const WINDOW = { earliest: '2020-01-01', latest: '2026-03-12' };
const view = new JsonObjectView();

/** The dt of a valid trade text, or the reason and message it is rejected with. */
function check(text: string): string | { reason: string; message: string } {
  const bytes = Buffer.from(text, 'utf8');
  expect(view.scan(bytes, 0, bytes.length)).toBe(SCANNED_OBJECT);
  const result = checkTrade(view, WINDOW);
  return typeof result === 'string' ? result : { reason: result.reason, message: result.message };
}

const without = (field: string) => {
  const fields = tradeFields();
  delete fields[field];
  return JSON.stringify(fields);
};

describe('the trade schema', () => {
  it('names exactly the producer and ingestion columns of the raw table', () => {
    expect([...TRADE_FIELDS, ...INGESTION_FIELDS]).toEqual(TRADE_COLUMNS.map(({ name }) => name));
  });

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
    ['trade_id', tradeJson({ trade_id: '' }), REJECTIONS.tradeId],
    ['trade_id', tradeJson({ trade_id: 'x'.repeat(129) }), REJECTIONS.tradeId],
    ['trade_id', tradeJson({ trade_id: 1.5 }), REJECTIONS.tradeId],
    ['trade_id', tradeJson({ trade_id: null }), REJECTIONS.tradeId],
    ['trade_id', without('trade_id'), REJECTIONS.tradeId],
    ['symbol', tradeJson({ symbol: '' }), REJECTIONS.symbol],
    ['symbol', tradeJson({ symbol: 'ABCDEFGHIJKLMNOPQ' }), REJECTIONS.symbol],
    ['symbol', tradeJson({ symbol: 'aapl' }), REJECTIONS.symbol],
    ['symbol', tradeJson({ symbol: 'AA PL' }), REJECTIONS.symbol],
    ['symbol', tradeJson({ symbol: 'ÄPL' }), REJECTIONS.symbol],
    ['symbol', without('symbol'), REJECTIONS.symbol],
    ['side', tradeJson({ side: 'buy' }), REJECTIONS.side],
    ['side', without('side'), REJECTIONS.side],
    ['quantity', tradeJson({ quantity: 0 }), REJECTIONS.quantity],
    ['quantity', tradeJson({ quantity: -1 }), REJECTIONS.quantity],
    ['quantity', tradeJson({ quantity: '100' }), REJECTIONS.quantity],
    ['quantity', tradeJson({ quantity: 1 }).replace('"quantity":1', '"quantity":1e400'), REJECTIONS.quantity],
    ['quantity', tradeJson({ quantity: 1 }).replace('"quantity":1', '"quantity":1e-400'), REJECTIONS.quantity],
    ['quantity', tradeJson({ quantity: 1 }).replace('"quantity":1', '"quantity":-0.0'), REJECTIONS.quantity],
    ['price', tradeJson({ price: '0' }), REJECTIONS.price],
    ['price', tradeJson({ price: '0.000' }), REJECTIONS.price],
    ['price', tradeJson({ price: '-1.5' }), REJECTIONS.price],
    ['price', tradeJson({ price: '1.' }), REJECTIONS.price],
    ['price', tradeJson({ price: '.5' }), REJECTIONS.price],
    ['price', tradeJson({ price: ' 1.5' }), REJECTIONS.price],
    ['price', tradeJson({ price: 'NaN' }), REJECTIONS.price],
    ['price', tradeJson({ price: 0 }), REJECTIONS.price],
    ['price', tradeJson({ price: true }), REJECTIONS.price],
    ['price', without('price'), REJECTIONS.price],
    ['executed_at', tradeJson({ executed_at: 1773239400 }), REJECTIONS.executedAt],
    ['executed_at', tradeJson({ executed_at: '2026-03-11 10:00:00' }), REJECTIONS.executedAt],
    ['executed_at', without('executed_at'), REJECTIONS.executedAt],
    ['currency', tradeJson({ currency: 'usd' }), REJECTIONS.currency],
    ['currency', tradeJson({ currency: 'USDT' }), REJECTIONS.currency],
    ['currency', tradeJson({ currency: 840 }), REJECTIONS.currency],
    ['venue', tradeJson({ venue: 7 }), REJECTIONS.venue],
    ['account_id', tradeJson({ account_id: { id: 1 } }), REJECTIONS.accountId],
    ['trader_id', tradeJson({ trader_id: ['T'] }), REJECTIONS.traderId],
  ])('rejects a bad %s: %s', (_, text, rejection) => {
    expect(check(text)).toEqual({ reason: rejection.reason, message: rejection.message });
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
    expect(check(tradeJson().replace('"T-0001"', literal))).toEqual({
      reason: 'SCHEMA',
      message: REJECTIONS.tradeId.message,
    });
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

    it('rejects an unknown field given twice', () => {
      expect(check(`${tradeJson().slice(0, -1)},"note":1,"note":2}`)).toMatchObject({ reason: 'DUPLICATE_KEY' });
    });

    it.each(INGESTION_FIELDS.flatMap((name) => [name, name.toUpperCase()]))(
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
