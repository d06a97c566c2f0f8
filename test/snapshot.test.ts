import { synthApp } from './support/app';

// Asset hashes change with every edit of the writer's code; the tripwire is for the infrastructure.
const ASSET_HASH = /[0-9a-f]{64}/;

expect.addSnapshotSerializer({
  test: (value) => typeof value === 'string' && ASSET_HASH.test(value),
  print: (value) => JSON.stringify((value as string).replace(new RegExp(ASSET_HASH, 'g'), '[ASSET HASH]')),
});

describe('template snapshot (a tripwire; every property it shows is also pinned by a named test)', () => {
  it('matches the dev template', () => {
    expect(synthApp().template.toJSON()).toMatchSnapshot();
  });
});
