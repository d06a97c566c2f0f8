/**
 * us-east-1 list prices the cost model uses, in one dated table, each with where it comes from.
 * AWS's pricing pages fill their tables by script, so where a page's own text does not show the
 * figure, the source named beside the page is the public text it was read from. Units follow AWS
 * billing: a GB is 2^30 bytes, a KB 1,024 bytes (Kinesis says so), a TB 2^40 bytes.
 */

/** When the table was read. */
export const PRICES_AS_OF = '2026-12-01';
export const PRICES_REGION = 'us-east-1';

export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
}

const KINESIS_PAGE = 'https://aws.amazon.com/kinesis/data-streams/pricing/';
const KINESIS_BLOG =
  'AWS Big Data Blog, "Kinesis On-demand Advantage saves 60%+ on streaming costs" (2026-03-09, us-east-1 prices of On-demand Standard)';
const CALCULATOR_EXPORT =
  'AWS Pricing Calculator estimate quoted in github.com/yffrankwang/amazon-taxi-analytics README ("x 0.015 USD" per shard hour, "x 0.000000014 USD" per PUT payload unit)';

export const PRICES = {
  kinesisOnDemandStreamHour: {
    usd: 0.04,
    unit: 'per on-demand stream per hour',
    source: `${KINESIS_PAGE}; figure from ${KINESIS_BLOG}`,
  },
  kinesisOnDemandIngestGb: {
    usd: 0.08,
    unit: 'per GB written, each record rounded up to 1 KB',
    source: `${KINESIS_PAGE} (the 1 KB rounding is in the page text); figure from ${KINESIS_BLOG}`,
  },
  kinesisOnDemandRetrievalGb: {
    usd: 0.04,
    unit: 'per GB read (shared-throughput consumers), rounded like writes',
    source: `${KINESIS_PAGE}; not found in a public transcription in this session: check it on the page`,
  },
  kinesisOnDemandExtendedRetentionGbMonth: {
    usd: 0.1,
    unit: 'per GB-month stored beyond 24 hours, up to 7 days',
    source: `${KINESIS_PAGE}; figure from ${KINESIS_BLOG}`,
  },
  kinesisShardHour: {
    usd: 0.015,
    unit: 'per provisioned shard per hour',
    source: `${KINESIS_PAGE}; ${CALCULATOR_EXPORT}`,
  },
  kinesisPutPayloadUnits: {
    usd: 0.014,
    unit: 'per million PUT payload units (25 KB of a record each)',
    source: `${KINESIS_PAGE} (25 KB units in the page text); ${CALCULATOR_EXPORT}`,
  },
  kinesisProvisionedExtendedRetentionShardHour: {
    usd: 0.02,
    unit: 'per shard hour, retention beyond 24 hours up to 7 days',
    source: `${KINESIS_PAGE}; figure quoted in public cost estimates found in this session (e.g. "+$0.02/shard-hour")`,
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    unit: 'per GB-second, Arm, first 7.5 billion GB-s a month',
    source: 'https://aws.amazon.com/lambda/pricing/; figure from cloudchipr.com/blog/aws-lambda-pricing (us-east-1)',
  },
  lambdaX86GbSecond: {
    usd: 0.0000166667,
    unit: 'per GB-second, x86, first 6 billion GB-s a month',
    source: 'https://aws.amazon.com/lambda/pricing/; figure from cloudchipr.com/blog/aws-lambda-pricing (us-east-1)',
  },
  lambdaRequests: {
    usd: 0.2,
    unit: 'per million requests',
    source:
      'https://aws.amazon.com/lambda/pricing/; figure from a public Lambda cost note (git.mcrn.ar lambda_local_runner)',
  },
  s3StandardGbMonth: {
    usd: 0.023,
    unit: 'per GB-month, S3 Standard, first 50 TB',
    source: 'https://aws.amazon.com/s3/pricing/; figure from go-cloud.io S3 pricing guide',
  },
  s3GlacierInstantGbMonth: {
    usd: 0.004,
    unit: 'per GB-month, S3 Glacier Instant Retrieval (128 KB minimum billable object, 90-day minimum)',
    source:
      'https://aws.amazon.com/s3/pricing/; not found in a public transcription in this session: check it on the page',
  },
  s3PutPer1000: {
    usd: 0.005,
    unit: 'per 1,000 PUT, COPY, POST, LIST requests (S3 Standard)',
    source:
      'https://aws.amazon.com/s3/pricing/; not found in a public transcription in this session: check it on the page',
  },
  s3GetPer1000: {
    usd: 0.0004,
    unit: 'per 1,000 GET requests (S3 Standard)',
    source:
      'https://aws.amazon.com/s3/pricing/; not found in a public transcription in this session: check it on the page',
  },
  s3GlacierInstantTransitionPer1000: {
    usd: 0.02,
    unit: 'per 1,000 lifecycle transition requests into Glacier Instant Retrieval',
    source:
      'https://aws.amazon.com/s3/pricing/; not found in a public transcription in this session: check it on the page',
  },
  kmsRequestsPer10000: {
    usd: 0.03,
    unit: 'per 10,000 KMS requests (symmetric keys)',
    source:
      'https://aws.amazon.com/kms/pricing/; not found in a public transcription in this session: check it on the page',
  },
  cloudTrailDataEventsPer100000: {
    usd: 0.1,
    unit: 'per 100,000 data events delivered',
    source:
      'https://aws.amazon.com/cloudtrail/pricing/; figure quoted by AWS samples ("$0.10 per 100,000 data events", with a link to the pricing page)',
  },
  athenaTbScanned: {
    usd: 5,
    unit: 'per TB scanned, rounded up to the MB, 10 MB minimum a query',
    source:
      'https://aws.amazon.com/athena/pricing/; not found in a public transcription in this session: check it on the page',
  },
} as const satisfies Record<string, Price>;

export type Prices = { readonly [K in keyof typeof PRICES]: Price };
