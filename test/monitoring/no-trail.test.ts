import { Match } from 'aws-cdk-lib/assertions';
import { synthApp } from '../support/app';
import { synthesizedAlarms } from './support/alarms';

// createTrail=false: an organization trail records the account, and its owner keeps the CIS filters
// on that trail's log group; this stack has no log group of its own to put filters on.
const { stack, template } = synthApp({ createTrail: false });
const alarms = synthesizedAlarms(template);

describe('without a trail of its own', () => {
  it('has no metric filter and no CloudTrail alarm', () => {
    template.resourceCountIs('AWS::Logs::MetricFilter', 0);
    expect(stack.alarms.metricFilters).toEqual({});
    for (const name of ['KeyPolicyChanged', 'CIS-4.1-UnauthorizedApiCalls', 'GovernanceRetentionBypassed']) {
      expect(alarms.has(`TradingDataLake-dev-${name}`)).toBe(false);
    }
  });

  it('keeps every pipeline alarm and the dashboard', () => {
    expect([...alarms.keys()].sort()).toEqual(
      [
        'CuratedDuplicateTrades-Warning',
        'CurationJob-Failure-Count-Warning',
        'CurationJob-TimedOut-Count-Warning',
        'CurationJobNotStarting-Warning',
        'CurationUnreconciledTrades-Warning',
        'TradeStream-WriteThroughputExceeded-Warning',
        'TradeWriter-DestinationDeliveryFailures-Critical',
        'TradeWriter-FailedBatches-Warning',
        'TradeWriter-Fault-Count-Warning',
        'TradeWriter-Iterator-Age-Max-Warning',
        'TradeWriter-LateTrades-Warning',
        'TradeWriter-RecordsQuarantined-Warning',
        'TradeWriter-Throttled-Count-Warning',
        'TradeWriter-WriteFailures-Warning',
      ].map((name) => `TradingDataLake-dev-${name}`),
    );
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    // The trail's alarms are a widget titled "CloudTrail alarms": no text of the dashboard's body has it.
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardBody: { 'Fn::Join': ['', Match.not(Match.arrayWith([Match.stringLikeRegexp('CloudTrail alarms')]))] },
    });
  });
});
