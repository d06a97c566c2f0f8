import { parseLocalArguments } from '../../local/main';

describe('npm run local: its command line', () => {
  it('runs 10,000 trades plainly by default, with a random seed it prints', () => {
    const options = parseLocalArguments([]);
    expect(options).toMatchObject({ count: 10_000, aggregate: false, chaos: false, keep: undefined });
    expect(options.seed).toMatch(/^\d+$/);
  });

  it('reads every option', () => {
    expect(
      parseLocalArguments(['--count', '1000', '--aggregate', '--chaos', '--keep', '/tmp/run', '--seed', 'abc']),
    ).toEqual({ count: 1000, aggregate: true, chaos: true, keep: '/tmp/run', seed: 'abc' });
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
