import { parseLocalArguments, recordedCommand, withCuratedFigures } from '../../local/main';

describe('npm run local: its command line', () => {
  it('runs 10,000 trades plainly by default, with a random seed it prints', () => {
    const options = parseLocalArguments([]);
    expect(options).toMatchObject({ count: 10_000, aggregate: false, chaos: false, keep: undefined, record: false });
    expect(options.seed).toMatch(/^\d+$/);
  });

  it('reads every option', () => {
    expect(
      parseLocalArguments([
        '--count',
        '1000',
        '--aggregate',
        '--chaos',
        '--keep',
        '/tmp/run',
        '--seed',
        'abc',
        '--record',
      ]),
    ).toEqual({ count: 1000, aggregate: true, chaos: true, keep: '/tmp/run', seed: 'abc', record: true });
  });

  it('records the curated figure with the command that reproduces it, keeping the figures others recorded', () => {
    const options = parseLocalArguments(['--count', '100000', '--seed', '42', '--record']);
    const command = recordedCommand(options);
    expect(command).toBe('npm run local -- --count 100000 --seed 42 --record');
    expect(recordedCommand({ ...options, chaos: true })).toBe(
      'npm run local -- --count 100000 --seed 42 --chaos --record',
    );
    const writer = {
      recordedOn: '2026-12-01',
      command: 'npm run bench -- --record',
      machine: 'm',
      scenarios: {},
      coldRequireMs: 1,
    };
    expect(withCuratedFigures({ writer }, 6.25, command, new Date('2026-12-02T10:00:00Z'))).toEqual({
      writer,
      curated: { recordedOn: '2026-12-02', command, vwapBytesScannedPerTrade: 6.25 },
    });
  });

  it.each([
    [['--count', '0'], /--count must be a whole number from 1 to 1000000/],
    [['--count', '1.5'], /--count must be a whole number/],
    [['--count', 'many'], /--count must be a whole number/],
    [['--seed', ' '], /--seed must not be empty/],
    [['--chaos=yes'], /--chaos/],
    [['--unknown'], /--unknown/],
    [['stray'], /stray/],
  ])('refuses %j with a message that says what is wrong', (argv, message) => {
    expect(() => parseLocalArguments(argv)).toThrow(message);
  });
});
