import { isUtf8 } from 'node:buffer';
import { decodeRecordData, RecordBytes } from '../../lambda/trade-writer/decode';
import { REJECTIONS } from '../../schema/validation/rejection';

function decode(data: string): string {
  const bytes = new RecordBytes();
  const problem = decodeRecordData(data, bytes);
  if (problem !== undefined) return problem.reason;
  if (!isUtf8(bytes.buffer.subarray(bytes.start, bytes.end))) return REJECTIONS.notUtf8.reason;
  return bytes.buffer.toString('utf8', bytes.start, bytes.end);
}

const base64 = (text: string | Uint8Array) => Buffer.from(text).toString('base64');

describe('decoding record data', () => {
  it('decodes base64 of UTF-8 text', () => {
    expect(decode(base64('{"symbol":"ÄBC 😀"}'))).toBe('{"symbol":"ÄBC 😀"}');
    expect(decode('')).toBe('');
  });

  it.each([
    ['a character outside the alphabet', 'eyJh!iI6MX0='],
    ['whitespace', 'eyJh IjoxfQ=='],
    ['a length that is not a multiple of four', 'eyJhIjoxfQ'],
    ['padding in the middle', 'YQ==YQ=='],
    ['three padding characters', 'Y==='],
    ['padding alone', '===='],
    ['text that is not base64 at all', 'not base64!'],
  ])('rejects %s as not base64', (_, data) => {
    expect(decode(data)).toBe('NOT_BASE64');
  });

  it('decodes at an offset, leaving the bytes before it alone, and drops a byte order mark there too', () => {
    const bytes = new RecordBytes();
    bytes.buffer.write('keep', 0, 'latin1');
    expect(decodeRecordData(base64('\ufeff{"a":1}'), bytes, 4)).toBeUndefined();
    expect(bytes.buffer.toString('latin1', 0, 4)).toBe('keep');
    expect([bytes.start, bytes.end]).toEqual([7, 14]);
    expect(bytes.buffer.toString('utf8', bytes.start, bytes.end)).toBe('{"a":1}');
  });

  it('grows the buffer when the bytes would not fit after the offset', () => {
    const bytes = new RecordBytes();
    const text = `{"a":"${'x'.repeat(bytes.buffer.length)}"}`;
    expect(decodeRecordData(base64(text), bytes, 100)).toBeUndefined();
    expect(bytes.buffer.toString('utf8', bytes.start, bytes.end)).toBe(text);
  });

  it('accepts the URL-safe alphabet, as Node does, since it decodes to one byte sequence', () => {
    expect(base64('?>?>')).toBe('Pz4/Pg==');
    expect(decode('Pz4_Pg==')).toBe('?>?>');
  });

  it.each([
    ['a lone continuation byte', [0x80]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('rejects %s as not UTF-8', (_, bytes) => {
    expect(decode(base64(Uint8Array.from([0x7b, 0x22, ...bytes, 0x22, 0x7d])))).toBe('NOT_UTF8');
  });

  it('drops a leading byte order mark, as RFC 8259 lets a parser do', () => {
    expect(decode(base64(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')])))).toBe('{}');
  });

  it('grows its buffer for a record larger than any before', () => {
    const large = 'x'.repeat(1_000_000);
    expect(decode(base64(large))).toBe(large);
  });
});
