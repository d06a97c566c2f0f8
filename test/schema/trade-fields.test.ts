import { TRADE_FIELD_DEFAULTS } from '../../schema/layout';
import { RECORD_RULES, TRADE_FIELDS, tradeField, trinoValueOf } from '../../schema/trade-fields';
import { REJECTIONS } from '../../schema/validation/rejection';
import { validateTrade } from '../../schema/validation/validate-trade';
import { tradeJson } from '../../tools/fixtures/trade-events';

describe('the trade-field table', () => {
  it('keeps, byte for byte, the quarantine messages the writer gave before the table existed', () => {
    // The texts of the writer's REJECTIONS at main 1785b4a: quarantine rows and queries compare them.
    expect(Object.fromEntries(TRADE_FIELDS.slice(0, 10).map(({ name, message }) => [name, message]))).toEqual({
      trade_id:
        'trade_id: required, a non-empty string of at most 128 characters or an integer written without fraction or exponent',
      symbol: 'symbol: required, 1 to 16 characters of A-Z, 0-9, "." and "-"',
      side: 'side: required, "BUY" or "SELL"',
      quantity: 'quantity: required, a finite number > 0',
      price: 'price: required, a finite number > 0 or a decimal string > 0 such as "101.25"',
      executed_at:
        'executed_at: required, an ISO 8601 timestamp with a zone and a real calendar date, as YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)',
      currency: 'currency: optional, an ISO 4217 code of three letters A-Z',
      venue: 'venue: optional, a string',
      account_id: 'account_id: optional, a string',
      trader_id: 'trader_id: optional, a string',
    });
    // The one message that changed on purpose: sub_sequence_number became an ingestion field (KPL, issue 13).
    expect(REJECTIONS.reservedField.message).toBe(
      'the record carries a field the writer adds itself: shard_id, sequence_number, sub_sequence_number, arrival_time or ingestion_time (any case)',
    );
  });

  it('gives every field a message that names it and says whether it is required', () => {
    for (const { name, required, message } of TRADE_FIELDS) {
      expect(message.startsWith(`${name}: ${required ? 'required' : 'optional'}`)).toBe(true);
    }
    for (const { message, require } of RECORD_RULES) expect(message.startsWith(`${require.field}: `)).toBe(true);
  });

  it('has defaults only for optional fields, and each default passes its own field', () => {
    for (const { name, required, default: value } of TRADE_FIELDS) {
      if (value !== undefined) expect([name, required]).toEqual([name, false]);
    }
    const spelledOut = tradeJson({ ...TRADE_FIELD_DEFAULTS });
    expect(validateTrade(Buffer.from(spelledOut), { now: new Date('2026-03-11T15:00:00Z') })).toEqual({
      ok: true,
      dt: '2026-03-11',
    });
  });

  it('tells queries how to compute with the columns stored as text', () => {
    const field = (name: string) => {
      const row = tradeField(name);
      if (row === undefined) throw new Error(name);
      return row;
    };
    expect(trinoValueOf(field('price'))).toBe('CAST(price AS decimal(38,18))');
    // Trino's CAST refuses the T of ISO 8601.
    expect(trinoValueOf(field('executed_at'), 't.executed_at')).toBe('from_iso8601_timestamp(t.executed_at)');
    expect(trinoValueOf(field('quantity'), 't.quantity')).toBe('t.quantity');
  });
});
