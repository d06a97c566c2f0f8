import { PLANNER_ENV } from './contract';

export interface PlannerConfig {
  readonly lakeBucketName: string;
  readonly curatedBucketName: string;
  readonly reconcileDays: number;
}

/** Reads and checks the planner's environment; throws at cold start, naming the variable. */
export function loadPlannerConfig(env: Readonly<Record<string, string | undefined>>): PlannerConfig {
  const missing = Object.values(PLANNER_ENV).filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`curation planner: environment variable ${missing.join(', ')} is not set`);
  const reconcileDays = Number(env[PLANNER_ENV.reconcileDays]);
  if (!Number.isInteger(reconcileDays) || reconcileDays < 1 || reconcileDays > 366) {
    throw new Error(
      `curation planner: ${PLANNER_ENV.reconcileDays} must be a whole number of days from 1 to 366, got "${env[PLANNER_ENV.reconcileDays]}"`,
    );
  }
  return {
    lakeBucketName: env[PLANNER_ENV.lakeBucketName] as string,
    curatedBucketName: env[PLANNER_ENV.curatedBucketName] as string,
    reconcileDays,
  };
}
