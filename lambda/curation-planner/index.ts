import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { loadPlannerConfig } from './config';
import { createCurationPlanner } from './handler';
import { s3RawDayListing, s3StateReader } from './lake';

// Read at cold start: a missing or unusable setting fails the init with a message naming it.
const config = loadPlannerConfig(process.env);
const s3 = new S3Client({});

/** Lambda entry point of the curation planner, invoked by the curation state machine. */
export const handler = createCurationPlanner({
  listing: s3RawDayListing(s3, config.lakeBucketName),
  state: s3StateReader(s3, config.curatedBucketName),
  reconcileDays: config.reconcileDays,
  logger: new Logger(),
});
