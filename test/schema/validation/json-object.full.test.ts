import { expectScannerToAgreeWithJsonParse } from './json-differential';

/** The full size of the differential test: 60,000 texts, a few seconds; `npm run test:slow` (CI) runs it. */
const FULL_ROUNDS = 20_000;

describe('the JSON scanner, at full size', () => {
  it(`accepts and rejects exactly what JSON.parse does, on ${FULL_ROUNDS * 3} generated texts and mutations`, () => {
    expectScannerToAgreeWithJsonParse(FULL_ROUNDS);
  });
});
