import { readWriterResponse } from '../../lambda/replay/writer-response';

const payload = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe("the writer's answer, read as the event source mapping reads a partial batch response", () => {
  it.each([
    ['an empty batchItemFailures', payload({ batchItemFailures: [] })],
    ['a null batchItemFailures', payload({ batchItemFailures: null })],
    ['an empty response object', payload({})],
    ['a null response', payload('null')],
    ['no payload at all', undefined],
  ])('is a success with %s', (_, body) => {
    expect(readWriterResponse({ payload: body })).toEqual({ ok: true });
  });

  it('is a failure from the lowest sequence number the writer reported', () => {
    const body = payload({
      batchItemFailures: [{ itemIdentifier: '49650000000000000009' }, { itemIdentifier: '9650000000000000001' }],
    });
    expect(readWriterResponse({ payload: body })).toEqual({
      ok: false,
      checkpoint: '9650000000000000001',
      reason: 'the writer could not store every record: it reported a failure from sequence number 9650000000000000001',
    });
  });

  it('is a failure of the whole batch with an empty or missing identifier, as Lambda treats it', () => {
    for (const item of [{ itemIdentifier: '' }, {}, { itemIdentifier: null }]) {
      expect(readWriterResponse({ payload: payload({ batchItemFailures: [item] }) })).toEqual({
        ok: false,
        checkpoint: undefined,
        reason: 'the writer reported the whole batch as failed',
      });
    }
  });

  it("is a failure when the writer threw, with the writer's error message", () => {
    const body = payload({ errorType: 'TypeError', errorMessage: 'boom', trace: [] });
    expect(readWriterResponse({ functionError: 'Unhandled', payload: body })).toEqual({
      ok: false,
      reason: 'the writer failed (Unhandled): TypeError: boom',
    });
  });

  it.each([
    ['text that is not JSON', payload('oops'), 'the writer answered with something that is not JSON'],
    ['a JSON array', payload([]), 'the writer answered with something that is not a batch response'],
    [
      'a batchItemFailures that is not a list',
      payload({ batchItemFailures: 'all' }),
      'the writer answered with an unreadable batchItemFailures',
    ],
  ])('is a failure with %s: nothing proves the batch stored', (_, body, reason) => {
    expect(readWriterResponse({ payload: body })).toEqual({ ok: false, reason });
  });
});
