import { measuredInputs } from '../../tools/cost/cost';
import { mergeWriterFigures, readMeasuredFigures, type WriterFigures } from '../../tools/cost/measured';

const committed = readMeasuredFigures().writer;

/** What `npm run bench -- --scenario 'one date' --record` measures: that scenario alone. */
const oneDateRun: WriterFigures = {
  recordedOn: '2027-01-15',
  command: "npm run bench -- --record --scenario 'one date'",
  machine: 'node v24.0.0, test CPU, 2 cores, load 1.00',
  coldRequireMs: 60,
  scenarios: { 'one date': { ...committed.scenarios['one date'], bytesStoredPerTrade: 81 } },
};

describe('npm run bench -- --record after a run of some scenarios', () => {
  const merged = mergeWriterFigures(committed, oneDateRun);

  it('replaces the scenarios the run measured and keeps every other one', () => {
    expect(Object.keys(merged.scenarios)).toEqual(Object.keys(committed.scenarios));
    expect(merged.scenarios['one date']).toEqual(oneDateRun.scenarios['one date']);
    expect(merged.scenarios['KPL aggregated']).toEqual({
      ...committed.scenarios['KPL aggregated'],
      recordedOn: committed.recordedOn,
      machine: committed.machine,
    });
    expect([merged.recordedOn, merged.command, merged.coldRequireMs]).toEqual([
      '2027-01-15',
      "npm run bench -- --record --scenario 'one date'",
      60,
    ]);
  });

  it('leaves the cost model every scenario it reads, so npm run cost still runs', () => {
    const inputs = measuredInputs({ writer: merged });
    expect(inputs.plain.bytesStoredPerTrade).toBe(81);
    expect(inputs.aggregated.bytesStoredPerTrade).toBe(committed.scenarios['KPL aggregated'].bytesStoredPerTrade);
    // What a run that kept only its own scenarios would leave: the model stops and says why.
    expect(() => measuredInputs({ writer: oneDateRun })).toThrow('measured.json has no "KPL aggregated" scenario');
  });

  it('keeps the date of a scenario kept twice, not the run in between', () => {
    const again = mergeWriterFigures(merged, { ...oneDateRun, recordedOn: '2027-02-01' });
    expect(again.scenarios['KPL aggregated'].recordedOn).toBe(committed.recordedOn);
  });
});
