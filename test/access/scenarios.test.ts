import { ALL_SCENARIOS } from './scenarios';

// The scenario list is the access matrix and the README table: keep it readable as a list of guarantees.
describe('the scenario list', () => {
  it('names each guarantee once', () => {
    const titles = ALL_SCENARIOS.map((scenario) => scenario.title);
    expect(titles.filter((title, index) => titles.indexOf(title) !== index)).toEqual([]);
  });

  it('states the verdict in each test name: "allows ..." for allowed, "denies ..." for denied', () => {
    for (const scenario of ALL_SCENARIOS) {
      expect(`${scenario.expect}: ${scenario.title}`).toMatch(/^(allowed: allows |denied: denies )/);
    }
  });

  it('names an explicit Deny only for denied scenarios', () => {
    for (const scenario of ALL_SCENARIOS.filter((candidate) => candidate.deniedBy !== undefined)) {
      expect(scenario.expect).toBe('denied');
    }
  });
});
