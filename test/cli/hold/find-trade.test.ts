import { gzipSync } from 'node:zlib';
import { tradeIdsIn, tradeLinesIn } from '../../../cli/hold/find-trade';

const object = (...lines: string[]) => gzipSync(Buffer.from(`${lines.join('\n')}\n`, 'utf8'));

describe('finding a trade in a trades object', () => {
  it('counts the lines whose trade_id is the trade, every event of it', () => {
    const body = object(
      '{"trade_id":"T-1","symbol":"AAPL","version":1,"shard_id":"shardId-000000000000"}',
      '{"trade_id":"T-2","symbol":"MSFT"}',
      '{"trade_id":"T-1","exec_type":"CORRECT","version":2}',
    );
    expect(tradeLinesIn(body, 'T-1')).toBe(2);
    expect(tradeLinesIn(body, 'T-2')).toBe(1);
    expect(tradeLinesIn(body, 'T-3')).toBe(0);
  });

  it('reads a string trade_id as JSON does (escapes), and a number by its digits, beyond what a double holds', () => {
    const body = object('{"trade_id":"T\\u002d9"}', '{"trade_id":12345678901234567890}');
    expect(tradeLinesIn(body, 'T-9')).toBe(1);
    expect(tradeLinesIn(body, '12345678901234567890')).toBe(1);
    // 12345678901234567890 and 12345678901234567000 are one double; the digits tell them apart.
    expect(tradeLinesIn(body, '12345678901234567000')).toBe(0);
  });

  it('matches trade_id only, not the same text in another field or inside a nested object', () => {
    const body = object('{"account_id":"T-1","trade_id":"T-5"}', '{"trade_id":"T-6","x":{"trade_id":"T-1"}}');
    expect(tradeLinesIn(body, 'T-1')).toBe(0);
  });

  it('skips a line that is not a JSON object instead of failing', () => {
    expect(tradeLinesIn(object('not json', '[1]', '{"trade_id":"T-1"}'), 'T-1')).toBe(1);
  });
});

describe('the trades of a trades object', () => {
  it('names every trade_id with its lines, a number by its digits, lines without a trade_id left out', () => {
    const body = object(
      '{"trade_id":"T-1","version":1}',
      '{"trade_id":12345678901234567890}',
      '{"trade_id":"T-1","exec_type":"CANCEL","version":2}',
      '{"trade_id":null}',
      '{"reason":"NOT_JSON"}',
      'not json',
    );
    expect([...tradeIdsIn(body)]).toEqual([
      ['T-1', 2],
      ['12345678901234567890', 1],
    ]);
  });
});
