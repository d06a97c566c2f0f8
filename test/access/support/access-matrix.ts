import type { Stage } from '../../../lib/config';
import { appliesTo, SCENARIO_GROUPS, type Scenario } from '../scenarios';
import type { AccessModel } from './access-model';
import { resolvePrincipal } from './principals';
import { type AccessRequest, evaluate, type Outcome } from './simulate';
import { type StackRefs, type SynthesizedStack, synthesizeStack } from './synthesized-stack';

/** The request a scenario makes against a synthesized stack. */
export function requestOf(scenario: Scenario, model: AccessModel, refs: StackRefs): AccessRequest {
  const { principal, identityPolicies, context: carried } = resolvePrincipal(scenario.principal, model, refs);
  const { resource, context } = scenario.request(refs);
  // What the scenario's request names wins (an IAM Identity Center role's path in aws:PrincipalArn).
  return { principal, identityPolicies, action: scenario.action, resource, context: { ...carried, ...context } };
}

/** Evaluates a scenario's request against a model (the synthesized one, or a mutated copy). */
export function evaluateScenario(scenario: Scenario, model: AccessModel, refs: StackRefs): Promise<Outcome> {
  return evaluate(model, requestOf(scenario, model, refs));
}

/** Asserts the verdict a scenario expects, and for an explicit Deny, which statement gave it. */
export function expectVerdict(scenario: Scenario, outcome: Outcome): void {
  if (scenario.expect === 'allowed') {
    expect(outcome.result).toBe('Allowed');
  } else if (scenario.deniedBy === undefined) {
    // No statement grants the request; an explicit Deny here would mean the scenario names the wrong reason.
    expect(outcome.result).toBe('ImplicitlyDenied');
  } else {
    if (outcome.engine !== 'validated') throw new Error(`'${scenario.title}': deniedBy needs the validated engine`);
    expect(outcome.result).toBe('ExplicitlyDenied');
    expect(outcome.explicitDenies).toContain(scenario.deniedBy);
  }
}

/**
 * One test per scenario of the stage, grouped as in docs/design.md §3, against that stage's synthesized
 * policies (synthesized once for the file). A scenario with a known lib/ defect runs as `it.failing`.
 */
export function describeAccessMatrix(stage: Stage): void {
  let stack: SynthesizedStack;
  beforeAll(() => {
    stack = synthesizeStack(stage);
  });

  for (const group of SCENARIO_GROUPS) {
    const scenarios = group.scenarios.filter((scenario) => appliesTo(scenario, stage));
    if (scenarios.length === 0) continue;
    describe(group.name, () => {
      for (const scenario of scenarios) {
        const test = scenario.knownBug === undefined ? it : it.failing;
        test(scenario.title, async () => {
          expectVerdict(scenario, await evaluateScenario(scenario, stack.model, stack.refs));
        });
      }
    });
  }
}
