import * as logs from 'aws-cdk-lib/aws-logs';
import { FilterPattern } from './support/filter-pattern';

// The example event and the outcomes the CloudWatch Logs User Guide gives for it ("Using compound
// expressions to match terms in JSON objects"): the evaluator must agree with AWS's own examples
// before it may judge this stack's patterns.
const GUIDE_EVENT = {
  user: { id: 1, email: 'John.Stiles@example.com' },
  users: [
    { id: 2, email: 'John.Doe@example.com' },
    { id: 3, email: 'Jane.Doe@example.com' },
  ],
  actions: ['GET', 'PUT', 'DELETE'],
  coordinates: [
    [0, 1, 2],
    [4, 5, 6],
    [7, 8, 9],
  ],
};

const GUIDE_SIMPLE_EVENT = {
  eventType: 'UpdateTrail',
  sourceIPAddress: '123.123.123.123',
  arrayKey: ['value', 'another value'],
  objectList: [
    { name: 'a', id: 1 },
    { name: 'b', id: 2 },
  ],
  SomeObject: null,
  cool: true,
};

const matches = (pattern: string, event: object) => new FilterPattern(pattern).matches(event);

describe('the filter-pattern evaluator agrees with the CloudWatch Logs guide', () => {
  it.each([
    ['{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', true],
    [
      '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch" && $.actions[2] = "nonmatch" }',
      true,
    ],
    [
      '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch") && $.actions[2] = "nonmatch" }',
      false,
    ],
    ['{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', false],
  ])('%s matches the guide event: %s', (pattern, expected) => {
    expect(matches(pattern, GUIDE_EVENT)).toBe(expected);
  });

  it.each([
    ['{ $.eventType = "UpdateTrail" }', true],
    ['{ $.eventType = "updatetrail" }', false],
    ['{ $.eventType = UpdateTrail }', true],
    ['{ $.eventType = "Update*" }', true],
    ['{ $.eventType = "*Trail" }', true],
    ['{ $.eventType = "*Delete*" }', false],
    ['{ $.sourceIPAddress != 123.123.* }', false],
    ['{ $.sourceIPAddress != 10.0.* }', true],
    ['{ $.arrayKey[0] = "value" }', true],
    ['{ $.arrayKey[1] = "value" }', false],
    ['{ $.objectList[1].id = 2 }', true],
    ['{ $.SomeObject IS NULL }', true],
    ['{ $.cool IS TRUE }', true],
    ['{ $.cool IS FALSE }', false],
    ['{ $.SomeOtherObject NOT EXISTS }', true],
    ['{ $.eventType NOT EXISTS }', false],
    // A selector that points to an array or an object never matches, whatever the operator.
    ['{ $.arrayKey = "value" }', false],
    ['{ $.objectList != "x" }', false],
  ])('%s matches the simple guide event: %s', (pattern, expected) => {
    expect(matches(pattern, GUIDE_SIMPLE_EVENT)).toBe(expected);
  });

  it('reads the patterns CDK renders (quotes escaped, every clause parenthesized)', () => {
    const pattern = logs.FilterPattern.all(
      logs.FilterPattern.stringValue('$.eventType', '=', 'Update"Trail'),
      logs.FilterPattern.any(
        logs.FilterPattern.booleanValue('$.cool', true),
        logs.FilterPattern.notExists('$.eventType'),
      ),
    ).logPatternString;
    expect(matches(pattern, { eventType: 'Update"Trail', cool: true })).toBe(true);
    expect(matches(pattern, { eventType: 'Update"Trail', cool: false })).toBe(false);
    expect(matches(pattern, { eventType: 'UpdateTrail', cool: true })).toBe(false);
  });

  it.each([
    ['a term pattern', 'ERROR'],
    ['a numeric inequality', '{ $.user.id > 1 }'],
    ['a regular expression', '{ $.eventType = %Update.*% }'],
    ['an unbalanced parenthesis', '{ ($.eventType = "x" }'],
    ['a missing operator', '{ $.eventType "x" }'],
  ])('refuses what it cannot read rather than guessing: %s', (_what, pattern) => {
    expect(() => new FilterPattern(pattern)).toThrow(/filter pattern/);
  });
});
