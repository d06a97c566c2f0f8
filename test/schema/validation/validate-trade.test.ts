import { planBatch } from '../../../lambda/trade-writer/plan';
import { optionalString, RECORD_RULES, TRADE_FIELDS, tradeField } from '../../../schema/trade-fields';
import { REJECTIONS } from '../../../schema/validation/rejection';
import { createTradeValidator, validateTrade } from '../../../schema/validation/validate-trade';
import { kinesisEvent, tradeJson } from '../../../tools/fixtures/trade-events';

const NOW = new Date('2026-03-11T15:00:00Z');
const bytesOf = (text: string) => Buffer.from(text, 'utf8');

describe('validateTrade', () => {
  it('gives a trade its partition date', () => {
    expect(validateTrade(bytesOf(tradeJson()), { now: NOW })).toEqual({ ok: true, dt: '2026-03-11' });
  });

  it.each([
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), REJECTIONS.notUtf8],
    ['text that is not JSON', bytesOf('{"trade_id":'), REJECTIONS.notJson],
    ['JSON that is not an object', bytesOf('[1]'), REJECTIONS.notObject],
    ['a name given twice', bytesOf(`${tradeJson().slice(0, -1)},"side":"SELL"}`), REJECTIONS.duplicateKey],
    ['a field the writer adds', bytesOf(tradeJson({ arrival_time: 'x' })), REJECTIONS.reservedField],
    ['a date too far ahead', bytesOf(tradeJson({ executed_at: '2026-03-13T00:00:00Z' })), REJECTIONS.dateOutOfRange],
  ])('rejects %s with its reason and fixed message', (_, bytes, rejection) => {
    expect(validateTrade(bytes, { now: NOW })).toEqual({ ok: false, ...rejection });
  });

  it('names the field a trade breaks, and the record rule', () => {
    expect(validateTrade(bytesOf(tradeJson({ side: 'HOLD' })), { now: NOW })).toEqual({
      ok: false,
      reason: 'SCHEMA',
      message: tradeField('side')?.message,
    });
    expect(validateTrade(bytesOf(tradeJson({ exec_type: 'CANCEL', version: 1 })), { now: NOW })).toEqual({
      ok: false,
      reason: 'SCHEMA',
      message: RECORD_RULES[0].message,
    });
  });

  // JSON.parse reads each of these, but none is Unicode text: DuckDB refuses the file that holds it.
  // (tradeJson escapes the backslash of `\\uD800`; the replace undoes it, so the text holds the escape.)
  it.each([
    ['a lone high surrogate', '\\uD800'],
    ['a lone low surrogate', '\\uDC00'],
    ['a low surrogate before a high one', '\\uDE00\\uD83D'],
    ['a high surrogate followed by a plain escape', '\\uD83D\\u0041'],
  ])('rejects %s escaped in any string, nested ones included, as NOT_UTF8', (_, surrogates) => {
    for (const text of [
      tradeJson({ venue: `X${surrogates}` }).replace(/\\\\/g, '\\'),
      `${tradeJson().slice(0, -1)},"nested":{"note":["${surrogates}"]}}`.replace(/\\\\/g, '\\'),
    ]) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(validateTrade(bytesOf(text), { now: NOW })).toEqual({ ok: false, ...REJECTIONS.loneSurrogate });
    }
  });

  it('accepts a surrogate pair written as two escapes, in either hex case', () => {
    for (const pair of ['\\uD83D\\uDE00', '\\ud83d\\ude00']) {
      const text = tradeJson({ venue: `X${pair}` }).replace(/\\\\/g, '\\');
      expect(JSON.parse(text).venue).toBe('X\u{1F600}');
      expect(validateTrade(bytesOf(text), { now: NOW })).toEqual({ ok: true, dt: '2026-03-11' });
    }
  });

  it('drops a leading byte order mark, as the writer does', () => {
    const withMark = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytesOf(tradeJson())]);
    expect(validateTrade(withMark, { now: NOW })).toEqual({ ok: true, dt: '2026-03-11' });
  });

  it('reads only the bytes of the view it is given', () => {
    const around = bytesOf(`xx${tradeJson()}yy`);
    expect(validateTrade(around.subarray(2, around.length - 2), { now: NOW })).toMatchObject({ ok: true });
    expect(
      validateTrade(new Uint8Array(around.buffer, around.byteOffset + 2, around.length - 4), { now: NOW }),
    ).toEqual({ ok: true, dt: '2026-03-11' });
  });

  it('accepts the day after `now` and no later, and defaults `now` to the clock', () => {
    const tomorrow = bytesOf(tradeJson({ executed_at: '2026-03-12T12:00:00Z' }));
    expect(validateTrade(tomorrow, { now: NOW })).toMatchObject({ ok: true });
    expect(validateTrade(tomorrow, { now: new Date('2026-03-10T23:59:59Z') })).toMatchObject({
      reason: 'DATE_OUT_OF_RANGE',
    });
    const today = new Date().toISOString();
    expect(validateTrade(bytesOf(tradeJson({ executed_at: today })))).toEqual({ ok: true, dt: today.slice(0, 10) });
  });

  it('validates against another table when given one', () => {
    const fields = [...TRADE_FIELDS, optionalString('strategy', 'trading strategy')];
    const text = bytesOf(tradeJson({ strategy: 7 }));
    expect(validateTrade(text, { now: NOW })).toMatchObject({ ok: true });
    expect(validateTrade(text, { now: NOW, fields })).toMatchObject({
      ok: false,
      message: 'strategy: optional, a string',
    });
  });

  it('gives the verdict the writer acts on, record for record', () => {
    const texts = [
      tradeJson(),
      tradeJson({ executed_at: '2026-03-10T23:30:00-05:00' }),
      tradeJson({ quantity: 0 }),
      tradeJson({ price: '1e3', currency: 'usd' }),
      tradeJson({ exec_type: 'CORRECT', version: 2 }),
      tradeJson({ exec_type: 'CORRECT' }).replace('"version":1', '"version":2.0'),
      tradeJson({ exec_type: 'CORRECT', version: undefined }),
      tradeJson({ Symbol: 'X' }),
      tradeJson({ executed_at: '2019-12-31T00:00:00Z' }),
      `{\n  ${tradeJson().slice(1, -1)}\n}`,
      '{"a":',
      '"text"',
      '\u00e9',
    ];
    const validator = createTradeValidator();
    const { Records } = kinesisEvent(texts);
    const plan = planBatch(Records, NOW);
    // Where the writer put each record: a trades object of some dt, or quarantine with a reason.
    const placed = new Map<number, { dt: string } | { reason: string; message: string }>();
    for (const object of plan.objects) {
      for (const line of object.body.toString('utf8').split('\n').slice(0, -1)) {
        const row = JSON.parse(line);
        const index = Records.findIndex(({ kinesis }) => kinesis.sequenceNumber === row.sequence_number);
        placed.set(index, object.kind === 'trades' ? { dt: object.dt } : { reason: row.reason, message: row.message });
      }
    }
    expect(placed.size).toBe(texts.length);
    for (const [index, text] of texts.entries()) {
      const verdict = validator.validate(bytesOf(text), NOW);
      expect(verdict.ok ? { dt: verdict.dt } : { reason: verdict.reason, message: verdict.message }).toEqual(
        placed.get(index),
      );
    }
  });
});
