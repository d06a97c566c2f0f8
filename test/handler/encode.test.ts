import { gunzipSync } from 'node:zlib';
import {
  gzip,
  ingestionSuffix,
  JsonLines,
  NO_SUB_SEQUENCE_NUMBER,
  quarantineLine,
} from '../../lambda/trade-writer/encode';
import { QUARANTINE_COLUMNS } from '../../schema/layout';
import { sequenceHash } from '../../schema/object-keys';
import { REJECTIONS } from '../../schema/validation/rejection';

const suffix = ingestionSuffix('shardId-000000000001', '2026-03-11T15:00:00.000Z');

function tradeLine(
  json: string,
  sequenceNumber = '42',
  arrivalTime = '2026-03-11T14:59:59.999Z',
  subSequenceNumber = NO_SUB_SEQUENCE_NUMBER,
): string {
  const lines = new JsonLines();
  const bytes = Buffer.from(json, 'utf8');
  lines.appendTrade(
    bytes,
    0,
    bytes.length,
    /[\r\n]/.test(json),
    sequenceNumber,
    subSequenceNumber,
    arrivalTime,
    suffix,
  );
  expect(lines.lines).toBe(1);
  return lines.contents().toString('utf8');
}

describe('trade lines', () => {
  it.each(['49590338271490256608559692538361571095921575989136588898', '1', 'a"b\\c', 'näive'])(
    'hash the sequence number %s as schema/object-keys.ts does while copying it in',
    (sequenceNumber) => {
      const lines = new JsonLines();
      const bytes = Buffer.from('{"trade_id":"T"}', 'utf8');
      lines.appendTrade(bytes, 0, bytes.length, false, sequenceNumber, NO_SUB_SEQUENCE_NUMBER, '', suffix);
      expect(lines.sequenceHash).toBe(sequenceHash(sequenceNumber));
      expect(JSON.parse(lines.contents().toString('utf8')).sequence_number).toBe(sequenceNumber);
    },
  );

  it('are the producer bytes with the ingestion fields before the closing brace, ending in a line feed', () => {
    expect(tradeLine('{"price":1.10,"trade_id":"é"}')).toBe(
      '{"price":1.10,"trade_id":"é","shard_id":"shardId-000000000001","sequence_number":"42",' +
        '"arrival_time":"2026-03-11T14:59:59.999Z","ingestion_time":"2026-03-11T15:00:00.000Z"}\n',
    );
  });

  it('place a user record of a KPL aggregate with its sub-sequence number after the sequence number', () => {
    expect(tradeLine('{"a":1}', '42', '2026-03-11T14:59:59.999Z', 0)).toBe(
      '{"a":1,"shard_id":"shardId-000000000001","sequence_number":"42","sub_sequence_number":0,' +
        '"arrival_time":"2026-03-11T14:59:59.999Z","ingestion_time":"2026-03-11T15:00:00.000Z"}\n',
    );
    expect(JSON.parse(tradeLine('{"a":1}', '42', '', 123456)).sub_sequence_number).toBe(123456);
  });

  it('drop whitespace after the closing brace and blank line breaks between tokens', () => {
    expect(tradeLine('{\r\n  "a": "x\\ny"\n}\n\t ')).toBe(
      '{    "a": "x\\ny" ,"shard_id":"shardId-000000000001","sequence_number":"42",' +
        '"arrival_time":"2026-03-11T14:59:59.999Z","ingestion_time":"2026-03-11T15:00:00.000Z"}\n',
    );
  });

  it('escape a sequence number that is not plain digits, so the line stays valid JSON', () => {
    const line = tradeLine('{"a":1}', '4"2\\é');
    expect(JSON.parse(line).sequence_number).toBe('4"2\\é');
  });

  it('grow past the first buffer and keep every line', () => {
    const lines = new JsonLines();
    const bytes = Buffer.from(`{"pad":"${'x'.repeat(1000)}"}`);
    for (let i = 0; i < 1000; i += 1)
      lines.appendTrade(bytes, 0, bytes.length, false, `${i}`, NO_SUB_SEQUENCE_NUMBER, '', suffix);
    const text = lines.contents().toString('utf8').split('\n');
    expect(text).toHaveLength(1001);
    expect(JSON.parse(text[999]).sequence_number).toBe('999');
  });

  it('take a record decoded into their own spare room as it is, or moved back over a byte order mark', () => {
    const lines = new JsonLines();
    const expected = [tradeLine('{"a":1}', '1'), tradeLine('{"b":2}', '2')].join('');
    for (const [text, sequenceNumber] of [
      ['{"a":1}', '1'],
      ['\ufeff{"b":2}', '2'],
    ]) {
      const bytes = Buffer.from(text, 'utf8');
      const room = lines.spareRoom(bytes.length + 512);
      bytes.copy(room, lines.end);
      const start = lines.end + (text.startsWith('\ufeff') ? 3 : 0);
      lines.appendTrade(
        room,
        start,
        lines.end + bytes.length,
        false,
        sequenceNumber,
        NO_SUB_SEQUENCE_NUMBER,
        '2026-03-11T14:59:59.999Z',
        suffix,
      );
    }
    expect(lines.contents().toString('utf8')).toBe(expected);
  });

  it('take an arrival time that writes its own bytes', () => {
    const lines = new JsonLines();
    const bytes = Buffer.from('{"a":1}');
    const arrivalTime = { length: 3, writeTo: (buffer: Buffer, at: number) => at + buffer.write('t:1', at, 'latin1') };
    lines.appendTrade(bytes, 0, bytes.length, false, '7', NO_SUB_SEQUENCE_NUMBER, arrivalTime, suffix);
    expect(JSON.parse(lines.contents().toString('utf8')).arrival_time).toBe('t:1');
  });

  it('copy a record from their own old buffer when appending it makes them grow', () => {
    const lines = new JsonLines();
    const text = `{"pad":"${'x'.repeat(100)}"}`;
    const room = lines.spareRoom(text.length);
    room.write(text, lines.end, 'latin1');
    // The sequence number needs more room than was spared: the buffer is replaced before the copy.
    lines.appendTrade(room, 0, text.length, false, '9'.repeat(room.length), NO_SUB_SEQUENCE_NUMBER, '', suffix);
    expect(JSON.parse(lines.contents().toString('utf8')).pad).toBe('x'.repeat(100));
  });
});

describe('quarantine lines', () => {
  it('carry exactly the quarantine columns, in table order, with a null sub-sequence number for a plain record', () => {
    const line = quarantineLine(
      REJECTIONS.notJson,
      'bm90IGpzb24=',
      { shardId: 's', sequenceNumber: '1', subSequenceNumber: null, partitionKey: 'pk', arrivalTime: 't' },
      'i',
    );
    expect(Object.keys(JSON.parse(line))).toEqual(QUARANTINE_COLUMNS.map(({ name }) => name));
    expect(JSON.parse(line)).toEqual({
      reason: 'NOT_JSON',
      message: REJECTIONS.notJson.message,
      raw_data: 'bm90IGpzb24=',
      shard_id: 's',
      sequence_number: '1',
      sub_sequence_number: null,
      partition_key: 'pk',
      arrival_time: 't',
      ingestion_time: 'i',
    });
  });

  it('carry the sub-sequence number of a user record of a KPL aggregate', () => {
    const line = quarantineLine(
      REJECTIONS.notJson,
      'bm90IGpzb24=',
      { shardId: 's', sequenceNumber: '1', subSequenceNumber: 3, partitionKey: 'pk', arrivalTime: 't' },
      'i',
    );
    expect(JSON.parse(line)).toMatchObject({ sequence_number: '1', sub_sequence_number: 3 });
  });
});

describe('object bodies', () => {
  it('gzip to exactly the JSON Lines they were given', () => {
    const lines = new JsonLines();
    lines.appendLine('{"a":1}');
    lines.appendLine('{"b":"€"}');
    expect(gunzipSync(gzip(lines.contents())).toString('utf8')).toBe('{"a":1}\n{"b":"€"}\n');
  });
});
