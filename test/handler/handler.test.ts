import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { reconciledDays } from '../../lambda/curation-planner/plan';
import { createTradeWriter, curationWindowStart } from '../../lambda/trade-writer/handler';
import { QUARANTINE_COLUMNS, TRADE_COLUMNS } from '../../schema/layout';
import { optionalString, RECORD_RULES, TRADE_FIELDS, tradeField } from '../../schema/trade-fields';
import {
  indicesFrom,
  KEY_ARN,
  kinesisEvent,
  SHARD_ID,
  sequenceNumber,
  tradeFields,
  tradeJson,
  writerKey,
} from '../../tools/fixtures/trade-events';
import { gunzipLines, INGESTION_TIME, RECONCILE_DAYS, s3Error, writerHarness } from './harness';

const writer = writerHarness();
afterAll(() => writer.restore());
beforeEach(() => {
  writer.s3.reset();
  writer.s3.on(PutObjectCommand).resolves({ ETag: '"etag"' });
});

const objectsUnder = (prefix: string) => writer.sent().filter(({ key }) => key.startsWith(prefix));

describe('a valid batch', () => {
  const texts = [tradeJson({ trade_id: 'T-1' }), tradeJson({ trade_id: 'T-2' }), tradeJson({ trade_id: 'T-3' })];

  it('writes one gzip JSON Lines object per dt, keyed by shard, first and last sequence number and members', async () => {
    const response = await writer.invoke(kinesisEvent(texts));
    expect(response).toEqual({ batchItemFailures: [] });
    const sent = writer.sent();
    expect(sent.map(({ key }) => key)).toEqual([writerKey('trades/dt=2026-03-11/', [0, 1, 2])]);
    expect(sent[0].input).toMatchObject({ ContentType: 'application/x-ndjson', ContentEncoding: 'gzip' });
    expect(sent[0].lines).toHaveLength(3);
  });

  it('stores each trade as the producer text with the ingestion fields spliced in before the closing brace, and no sub-sequence number for a plain record', async () => {
    await writer.invoke(kinesisEvent(texts));
    const [line] = writer.sent()[0].lines;
    expect(line).toBe(
      `${texts[0].slice(0, -1)},"shard_id":"${SHARD_ID}","sequence_number":"${sequenceNumber(0)}",` +
        `"arrival_time":"2026-03-11T14:30:00.123Z","ingestion_time":"2026-03-11T15:00:00.000Z"}`,
    );
    const stored = JSON.parse(line);
    // Only the user records of a KPL aggregate carry sub_sequence_number; a plain record's line reads it as NULL.
    expect(Object.keys(stored)).toEqual(
      TRADE_COLUMNS.map(({ name }) => name).filter((name) => name !== 'sub_sequence_number'),
    );
  });

  it('publishes the trades, quarantine, objects and failures it counted as EMF metrics', async () => {
    await writer.invoke(kinesisEvent([...texts, 'not json']));
    expect(writer.metrics()).toEqual({
      TradesWritten: 3,
      RecordsQuarantined: 1,
      ObjectsWritten: 2,
      ObjectsAlreadyPresent: 0,
      WriteFailures: 0,
      AggregatedRecords: 0,
      LateTrades: 0,
    });
  });
});

describe('records that cannot be trades', () => {
  const valid = tradeJson();
  const badRecords: [string, { text?: string; bytes?: Uint8Array; base64?: string }, string][] = [
    ['data that is not base64', { base64: 'not base64!' }, 'NOT_BASE64'],
    ['bytes that are not UTF-8', { bytes: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]) }, 'NOT_UTF8'],
    ['text that is not JSON', { text: '{"trade_id": "T-1",' }, 'NOT_JSON'],
    ['JSON that is not an object', { text: '[1, 2, 3]' }, 'NOT_OBJECT'],
    ['a field given twice', { text: `{"trade_id":"T-0",${valid.slice(1)}` }, 'DUPLICATE_KEY'],
    ['a field that differs from another only by case', { text: tradeJson({ Price: '1' }) }, 'DUPLICATE_KEY'],
    ['an ingestion field of its own', { text: tradeJson({ sequence_number: '1' }) }, 'RESERVED_FIELD'],
    ['a missing trade_id', { text: JSON.stringify({ ...tradeFields(), trade_id: undefined }) }, 'SCHEMA'],
    ['a negative quantity', { text: tradeJson({ quantity: -5 }) }, 'SCHEMA'],
    ['a price that is not a decimal', { text: tradeJson({ price: '1e3' }) }, 'SCHEMA'],
    ['a side that is neither BUY nor SELL', { text: tradeJson({ side: 'HOLD' }) }, 'SCHEMA'],
    ['executed_at without a zone', { text: tradeJson({ executed_at: '2026-03-11T14:30:00' }) }, 'SCHEMA'],
    [
      'executed_at on a date that does not exist',
      { text: tradeJson({ executed_at: '2026-02-30T10:00:00Z' }) },
      'SCHEMA',
    ],
    [
      'executed_at before the first partition',
      { text: tradeJson({ executed_at: '2019-12-31T10:00:00Z' }) },
      'DATE_OUT_OF_RANGE',
    ],
  ];

  it.each(badRecords)('quarantines %s with its raw data and reason, counted as processed', async (_, spec, reason) => {
    const event = kinesisEvent([valid, spec, valid]);
    const response = await writer.invoke(event);
    expect(response.batchItemFailures).toEqual([]);
    const [quarantine] = objectsUnder('quarantine/');
    expect(quarantine.key).toBe(writerKey('quarantine/dt=2026-03-11/', [1]));
    expect(quarantine.lines).toHaveLength(1);
    const row = JSON.parse(quarantine.lines[0]);
    expect(Object.keys(row)).toEqual(QUARANTINE_COLUMNS.map(({ name }) => name));
    expect(row).toMatchObject({
      reason,
      raw_data: event.Records[1].kinesis.data,
      shard_id: SHARD_ID,
      sequence_number: sequenceNumber(1),
      sub_sequence_number: null,
      partition_key: 'pk-1',
      arrival_time: '2026-03-11T14:30:00.124Z',
      ingestion_time: '2026-03-11T15:00:00.000Z',
    });
    expect(objectsUnder('trades/')[0].lines).toHaveLength(2);
  });

  it('quarantines under the ingestion date, not the date the record claims', async () => {
    writer.setClock(new Date('2026-03-12T00:00:05Z'));
    try {
      await writer.invoke(kinesisEvent([tradeJson({ executed_at: '2026-03-11T23:59:59Z', quantity: 0 })]));
    } finally {
      writer.setClock(new Date('2026-03-11T15:00:00.000Z'));
    }
    expect(writer.sent().map(({ key }) => key)).toEqual([writerKey('quarantine/dt=2026-03-12/', [0])]);
  });

  it('states the rule a record broke in the quarantine message', async () => {
    await writer.invoke(kinesisEvent([tradeJson({ symbol: 'aapl' })]));
    expect(JSON.parse(objectsUnder('quarantine/')[0].lines[0]).message).toBe(tradeField('symbol')?.message);
  });
});

describe('the lifecycle fields of a trade', () => {
  it('writes a correction that carries its version, as sent', async () => {
    const correction = tradeJson({ exec_type: 'CORRECT', version: 2 });
    await writer.invoke(kinesisEvent([correction]));
    const [object] = writer.sent();
    expect(object.key.startsWith('trades/dt=2026-03-11/')).toBe(true);
    expect(object.lines[0].startsWith(correction.slice(0, -1))).toBe(true);
  });

  it.each([
    ['a CORRECT of version 1', tradeJson({ exec_type: 'CORRECT', version: 1 }), RECORD_RULES[0].message],
    ['a CANCEL without a version', tradeJson({ exec_type: 'CANCEL', version: undefined }), RECORD_RULES[0].message],
    ['an exec_type outside NEW, CORRECT, CANCEL', tradeJson({ exec_type: 'AMEND' }), tradeField('exec_type')?.message],
    ['a version that is not a whole number', tradeJson({ version: 1.5 }), tradeField('version')?.message],
  ])('quarantines %s with the rule it broke', async (_, text, message) => {
    await writer.invoke(kinesisEvent([tradeJson(), text]));
    const [quarantine] = objectsUnder('quarantine/');
    expect(quarantine.lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ reason: 'SCHEMA', message, sequence_number: sequenceNumber(1) }),
    ]);
    expect(objectsUnder('trades/')[0].lines).toHaveLength(1);
  });
});

describe('a writer built with one more optional field in its table', () => {
  it('writes a trade carrying the field, and quarantines one whose value breaks it, with its message', async () => {
    // Its own store: the S3 mock of this file belongs to the writer of the shared table.
    const stored = new Map<string, string[]>();
    const handler = createTradeWriter({
      store: {
        async putIfAbsent(key, body) {
          stored.set(key, gunzipLines(body));
          return 'created';
        },
      },
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'TradingDataLakeTest', serviceName: 'trade-writer' }),
      reconcileDays: RECONCILE_DAYS,
      clock: () => INGESTION_TIME,
      fields: [...TRADE_FIELDS, optionalString('strategy', 'trading strategy')],
    });
    const carrying = tradeJson({ trade_id: 'T-S', strategy: 'MM-1' });
    const publish = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await handler(kinesisEvent([carrying, tradeJson({ strategy: 7 })]))).toEqual({ batchItemFailures: [] });
    } finally {
      publish.mockRestore();
    }
    const linesUnder = (prefix: string) =>
      [...stored].flatMap(([key, lines]) => (key.startsWith(prefix) ? lines.map((line) => JSON.parse(line)) : []));
    expect(linesUnder('trades/')).toEqual([
      expect.objectContaining({ trade_id: 'T-S', strategy: 'MM-1', sequence_number: sequenceNumber(0) }),
    ]);
    expect(linesUnder('quarantine/')).toEqual([
      expect.objectContaining({ reason: 'SCHEMA', message: 'strategy: optional, a string' }),
    ]);
  });
});

describe('batches that are empty or repeat a trade', () => {
  it('writes nothing and reports no failure for an empty batch', async () => {
    expect(await writer.invoke({ Records: [] })).toEqual({ batchItemFailures: [] });
    expect(writer.s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('keeps both copies of a trade sent twice, each with its own sequence number, for queries to deduplicate', async () => {
    const trade = tradeJson({ trade_id: 'T-TWICE' });
    await writer.invoke(kinesisEvent([trade, trade]));
    const [object] = writer.sent();
    expect(object.lines.map((line) => JSON.parse(line).sequence_number)).toEqual([
      sequenceNumber(0),
      sequenceNumber(1),
    ]);
    expect(object.lines.map((line) => JSON.parse(line).trade_id)).toEqual(['T-TWICE', 'T-TWICE']);
  });
});

describe('partitions', () => {
  it('partitions by the UTC date of executed_at across midnight, whatever the offset', async () => {
    await writer.invoke(
      kinesisEvent([
        tradeJson({ trade_id: 'before', executed_at: '2026-03-10T23:59:59.999Z' }),
        tradeJson({ trade_id: 'after', executed_at: '2026-03-11T00:00:00.000Z' }),
        tradeJson({ trade_id: 'new-york-evening', executed_at: '2026-03-10T19:30:00-05:00' }),
        tradeJson({ trade_id: 'tokyo-morning', executed_at: '2026-03-11T08:30:00+09:00' }),
      ]),
    );
    const idsByKey = Object.fromEntries(
      writer.sent().map(({ key, lines }) => [key, lines.map((line) => JSON.parse(line).trade_id)]),
    );
    expect(idsByKey).toEqual({
      [writerKey('trades/dt=2026-03-10/', [0, 3])]: ['before', 'tokyo-morning'],
      [writerKey('trades/dt=2026-03-11/', [1, 2])]: ['after', 'new-york-evening'],
    });
  });

  it('keeps an 18-decimal price and a 20-digit integer trade_id byte for byte', async () => {
    const text =
      '{"trade_id":12345678901234567890,"symbol":"BTC-USD","side":"SELL","quantity":0.000000000000000001,' +
      '"price":64123.123456789012345678,"executed_at":"2026-03-11T10:00:00Z","note":"1.10"}';
    const stringPrice = tradeJson({ price: '0.123456789012345678' });
    await writer.invoke(kinesisEvent([text, stringPrice]));
    const [first, second] = writer.sent()[0].lines;
    expect(first.startsWith(text.slice(0, -1))).toBe(true);
    expect(first).toContain('"trade_id":12345678901234567890,');
    expect(first).toContain('"price":64123.123456789012345678,');
    expect(second).toContain('"price":"0.123456789012345678"');
  });

  it('blanks the line breaks of a pretty-printed trade so it stays one line', async () => {
    const pretty = JSON.stringify(tradeFields({ venue: 'line\\nbreak stays escaped' }), null, 2).replace(/\n/g, '\r\n');
    await writer.invoke(kinesisEvent([pretty]));
    const { lines } = writer.sent()[0];
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]).venue).toBe('line\\nbreak stays escaped');
    expect(lines[0]).not.toMatch(/[\r\n]/);
  });
});

describe('write failures', () => {
  // Records 0-4 alternate between two dates; 5 is not JSON.
  const mixed = kinesisEvent([
    tradeJson({ executed_at: '2026-03-10T12:00:00Z' }),
    tradeJson({ executed_at: '2026-03-11T12:00:00Z' }),
    tradeJson({ executed_at: '2026-03-10T12:00:01Z' }),
    tradeJson({ executed_at: '2026-03-11T12:00:01Z' }),
    tradeJson({ executed_at: '2026-03-10T12:00:02Z' }),
    'not json',
  ]);
  const keyOf = (prefix: string, ...members: number[]) => writerKey(prefix, members);

  it('reports the first record of a partition whose PutObject failed, so Lambda resumes there', async () => {
    writer.s3.on(PutObjectCommand, { Key: keyOf('trades/dt=2026-03-11/', 1, 3) }).rejects(s3Error('SlowDown', 503));
    const response = await writer.invoke(mixed);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber(1) }] });
    expect(writer.metrics()).toMatchObject({
      TradesWritten: 3,
      RecordsQuarantined: 1,
      ObjectsWritten: 2,
      WriteFailures: 1,
    });
  });

  it('reports the first record of the batch when S3 is down', async () => {
    writer.s3.on(PutObjectCommand).rejects(s3Error('ServiceUnavailable', 503));
    const response = await writer.invoke(mixed);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber(0) }] });
    expect(writer.metrics()).toMatchObject({ TradesWritten: 0, ObjectsWritten: 0, WriteFailures: 3 });
  });

  it('reports a failed quarantine write as a batch item failure, never a silent drop', async () => {
    writer.s3
      .on(PutObjectCommand, { Key: keyOf('quarantine/dt=2026-03-11/', 5) })
      .rejects(s3Error('InternalError', 500));
    const response = await writer.invoke(mixed);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber(5) }] });
    expect(writer.metrics()).toMatchObject({ RecordsQuarantined: 0, WriteFailures: 1 });
  });

  it('treats AccessDenied as transient: a batch item failure, never quarantine', async () => {
    writer.s3.on(PutObjectCommand).rejects(s3Error('AccessDenied', 403));
    const response = await writer.invoke(kinesisEvent([tradeJson()]));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber(0) }] });
    expect(writer.sent().every(({ key }) => key.startsWith('trades/'))).toBe(true);
  });

  it('treats a KMS error as transient', async () => {
    writer.s3.on(PutObjectCommand).rejects(s3Error('KMS.KMSInvalidStateException', 400));
    const response = await writer.invoke(kinesisEvent([tradeJson()]));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber(0) }] });
  });

  it('reports a network error without a response as transient too', async () => {
    writer.s3.on(PutObjectCommand).rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const response = await writer.invoke(kinesisEvent([tradeJson()]));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber(0) }] });
  });

  it('logs a failed write with its key, records and error, and no payload', async () => {
    writer.s3.on(PutObjectCommand).rejects(s3Error('AccessDenied', 403));
    await writer.invoke(kinesisEvent([tradeJson({ account_id: 'ACC-SECRET-4711' })]));
    const failure = writer
      .output()
      .map((line) => JSON.parse(line))
      .find((entry) => entry.level === 'ERROR');
    expect(failure).toMatchObject({
      message: 'object write failed; its records will be retried',
      kind: 'trades',
      records: 1,
      firstSequenceNumber: sequenceNumber(0),
      errorName: 'AccessDenied',
      httpStatusCode: 403,
      errorMessage: 'AccessDenied (test)',
    });
    expect(writer.output().join('\n')).not.toContain('ACC-SECRET-4711');
  });
});

describe('retries', () => {
  const batch = kinesisEvent([0, 1, 2, 3, 4, 5].map((i) => tradeJson({ trade_id: `T-${i}` })));

  it('counts a 412 on a retried object as written: the first attempt already stored it', async () => {
    writer.s3.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    const response = await writer.invoke(batch);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(writer.metrics()).toMatchObject({ TradesWritten: 6, ObjectsWritten: 0, ObjectsAlreadyPresent: 1 });
  });

  it('writes a new object for a bisected retry and loses nothing already written', async () => {
    writer.s3.on(PutObjectCommand).rejectsOnce(s3Error('SlowDown', 503)).resolves({ ETag: '"etag"' });
    expect((await writer.invoke(batch)).batchItemFailures).toEqual([{ itemIdentifier: sequenceNumber(0) }]);
    // Lambda bisects the batch and retries each half.
    const halves = [batch.Records.slice(0, 3), batch.Records.slice(3)];
    for (const Records of halves) expect(await writer.invoke({ Records })).toEqual({ batchItemFailures: [] });

    const [failed, ...written] = writer.sent().map(({ key }) => key);
    expect(failed).toBe(writerKey('trades/dt=2026-03-11/', indicesFrom(0, 5)));
    expect(written).toEqual([
      writerKey('trades/dt=2026-03-11/', indicesFrom(0, 2)),
      writerKey('trades/dt=2026-03-11/', indicesFrom(3, 5)),
    ]);
    const stored = writer
      .sent()
      .slice(1)
      .flatMap(({ lines }) => lines.map((line) => JSON.parse(line).trade_id));
    expect(stored).toEqual(['T-0', 'T-1', 'T-2', 'T-3', 'T-4', 'T-5']);
  });

  it('writes the same keys when the same batch is retried, so the retry finds its own objects', async () => {
    await writer.invoke(batch);
    await writer.invoke(batch);
    const [first, second] = writer.sent().map(({ key }) => key);
    expect(second).toBe(first);
  });
});

describe('encryption and conditional writes', () => {
  it('sends SSE-KMS with the data key ARN and If-None-Match: * on every PutObject, trades and quarantine alike', async () => {
    await writer.invoke(
      kinesisEvent([
        tradeJson({ executed_at: '2026-03-10T12:00:00Z' }),
        tradeJson({ executed_at: '2026-03-11T12:00:00Z' }),
        'not json',
      ]),
    );
    const inputs = writer.sent().map(({ input }) => input);
    expect(inputs).toHaveLength(3);
    for (const input of inputs) {
      expect(input).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY_ARN, IfNoneMatch: '*' });
    }
  });
});

describe('trades dated before the curation window', () => {
  // Ingestion 2026-03-11T15:00Z with reconcileDays 35: a run then lists 2026-02-05 (today − 34) to
  // tomorrow, so 2026-02-05 is the window's first day and 2026-02-04 the last day no run lists.
  const lateDay = (trade_id: string, executed_at: string, extra: Record<string, unknown> = {}) =>
    tradeJson({ trade_id, executed_at, ...extra });
  const warningsOf = (output: string[]) =>
    output.map((line) => JSON.parse(line)).filter((entry) => entry.level === 'WARN');

  it('starts the window where the curation planner starts listing at the same instant', () => {
    for (const days of [1, 2, RECONCILE_DAYS, 366]) {
      expect(curationWindowStart(INGESTION_TIME, days)).toBe(reconciledDays(INGESTION_TIME, days)[0]);
    }
    expect(curationWindowStart(INGESTION_TIME, RECONCILE_DAYS)).toBe('2026-02-05');
  });

  it('publishes LateTrades for the trades of a date outside the window, not those of the date inside it', async () => {
    await writer.invoke(
      kinesisEvent([
        lateDay('inside-first-day', '2026-02-05T00:00:00Z'),
        lateDay('outside-1', '2026-02-04T23:59:59.999Z'),
        lateDay('outside-2', '2026-02-04T08:00:00Z'),
      ]),
    );
    expect(writer.sent().map(({ key, lines }) => [key.slice(0, 20), lines.length])).toEqual([
      ['trades/dt=2026-02-05', 1],
      ['trades/dt=2026-02-04', 2],
    ]);
    expect(writer.metrics()).toMatchObject({ TradesWritten: 3, LateTrades: 2 });
  });

  it('publishes LateTrades 0 and warns of nothing when every date is inside the window', async () => {
    await writer.invoke(
      kinesisEvent([
        lateDay('first-day', '2026-02-05T00:00:00Z'),
        lateDay('today', '2026-03-11T14:00:00Z'),
        lateDay('tomorrow', '2026-03-12T00:10:00Z'),
      ]),
    );
    expect(writer.metrics()).toMatchObject({ TradesWritten: 3, LateTrades: 0 });
    expect(warningsOf(writer.output())).toEqual([]);
  });

  it('judges by the ingestion time in UTC: the window moves at midnight', async () => {
    writer.setClock(new Date('2026-03-12T00:00:00.000Z'));
    try {
      await writer.invoke(kinesisEvent([lateDay('was-inside', '2026-02-05T12:00:00Z')]));
    } finally {
      writer.setClock(INGESTION_TIME);
    }
    expect(writer.metrics()).toMatchObject({ LateTrades: 1 });
  });

  it('logs one warning naming each late date with its trade count and the command, never a trade', async () => {
    await writer.invoke(
      kinesisEvent([
        lateDay('T-A', '2026-01-31T10:00:00Z', { account_id: 'ACC-SECRET-4711' }),
        lateDay('T-B', '2020-01-01T00:00:00Z'),
        lateDay('T-C', '2026-01-31T11:00:00Z'),
        lateDay('T-D', '2026-03-11T11:00:00Z'),
        'not json',
      ]),
    );
    const late = warningsOf(writer.output()).filter(({ message }) => message.includes('curation window'));
    expect(late).toEqual([
      expect.objectContaining({
        message: 'trades written before the curation window: no scheduled run will merge them',
        lateTrades: 3,
        tradesByDate: { '2020-01-01': 1, '2026-01-31': 2 },
        curationWindowStart: '2026-02-05',
        reconcileDays: RECONCILE_DAYS,
        curate: 'trades curate --date 2020-01-01 --date 2026-01-31',
      }),
    ]);
    const printed = writer.output().join('\n');
    for (const tradeData of ['ACC-SECRET-4711', 'T-A', 'AAPL', '187.25']) expect(printed).not.toContain(tradeData);
  });

  it('counts a late trade once it is stored, not while its write fails and Lambda will retry it', async () => {
    const event = kinesisEvent([lateDay('late', '2026-01-02T10:00:00Z'), lateDay('today', '2026-03-11T10:00:00Z')]);
    writer.s3
      .on(PutObjectCommand, {
        Key: writerKey('trades/dt=2026-01-02/', [0]),
      })
      .rejects(s3Error('SlowDown', 503));
    await writer.invoke(event);
    expect(writer.metrics()).toMatchObject({ WriteFailures: 1, LateTrades: 0 });
    expect(warningsOf(writer.output()).filter(({ message }) => message.includes('curation window'))).toEqual([]);

    writer.s3.reset();
    writer.s3.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    await writer.invoke(event);
    // A retry that finds its own object counts it as TradesWritten counts it: durably stored.
    expect(writer.metrics()).toMatchObject({ ObjectsAlreadyPresent: 2, LateTrades: 1 });
  });

  it('does not count quarantined records, whose date is the ingestion date', async () => {
    await writer.invoke(kinesisEvent([tradeJson({ executed_at: '2026-01-02T10:00:00Z', quantity: 0 })]));
    expect(writer.metrics()).toMatchObject({ RecordsQuarantined: 1, LateTrades: 0 });
  });
});

describe('logs', () => {
  it('logs one summary at INFO and never a payload, even at DEBUG', async () => {
    const verbose = writerHarness({ logLevel: 'DEBUG' });
    try {
      await verbose.invoke(kinesisEvent([tradeJson({ trader_id: 'TR-SECRET-0815' }), 'not json TR-SECRET-0815']));
      const logs = verbose.output().map((line) => JSON.parse(line));
      const info = logs.filter((entry) => entry.level === 'INFO');
      expect(info).toHaveLength(1);
      expect(info[0]).toMatchObject({
        message: 'batch processed',
        records: 2,
        tradesWritten: 1,
        recordsQuarantined: 1,
      });
      expect(logs.find((entry) => entry.level === 'WARN')).toMatchObject({
        message: 'records quarantined',
        reasons: { NOT_JSON: 1 },
        sequenceNumbers: [sequenceNumber(1)],
      });
      expect(verbose.output().join('\n')).not.toContain('TR-SECRET-0815');
    } finally {
      verbose.restore();
    }
  });
});
