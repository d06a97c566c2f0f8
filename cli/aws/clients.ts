import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { KinesisClient, type KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { REPLAY_TIMEOUT_SECONDS } from '../../lambda/replay/contract';

/**
 * Every AWS client of `trades` is made here, behind one small interface that the tests replace with
 * clients of their own (aws-sdk-client-mock). A command never constructs a client itself: it asks
 * for the caller's (CloudFormation, STS) or for a role's (everything that touches the data).
 */

/** Where and as whom: the standard AWS chain unless a profile or a Region is named. */
export interface AwsClientSettings {
  readonly region?: string;
  readonly profile?: string;
}

/** An assumed role's credentials: its session as it is, or a provider that renews it (assume-role.ts). */
export type RoleCredentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

export interface AwsClients {
  /** With the caller's own credentials: reads the stack's outputs. */
  cloudFormation(): CloudFormationClient;
  /** With the caller's own credentials: assumes a stack role. */
  sts(): STSClient;
  /** Acting as an assumed role: puts and lists on the stream. */
  kinesis(credentials: RoleCredentials): KinesisClient;
  /**
   * Without credentials, the caller's own, never a stack role: key administration (`trades key`) is
   * the configured key administrators' alone, and no role of the stack may disable a key. With an
   * assumed role's credentials: key state and rotation (verify).
   */
  kms(credentials?: RoleCredentials): KMSClient;
  /** Acting as an assumed role: the lake and the failed-batch bucket (replay, hold, verify). */
  s3(credentials: RoleCredentials): S3Client;
  /** Acting as an assumed role: invokes the replay function. */
  lambda(credentials: RoleCredentials): LambdaClient;
  /** Acting as an assumed role: starts the curation job. */
  sfn(credentials: RoleCredentials): SFNClient;
  /** Acting as an assumed role: runs queries in its workgroup (query), reads workgroups (verify). */
  athena(credentials: RoleCredentials): AthenaClient;
  /** Acting as an assumed role: reads metrics and alarms (status). */
  cloudWatch(credentials: RoleCredentials): CloudWatchClient;
  /** Acting as an assumed role: the trail's status and configuration (verify). */
  cloudTrail(credentials: RoleCredentials): CloudTrailClient;
  /** Acting as an assumed role: the alarm topic's policy (verify). */
  sns(credentials: RoleCredentials): SNSClient;
}

/**
 * A Kinesis client over HTTP/1.1. Kinesis clients default to HTTP/2 (for SubscribeToShard), which
 * kinesalite does not speak (docs/design.md §14); PutRecords and ListShards are plain requests, the same on
 * both. The local pipeline makes its clients here too, with kinesalite's endpoint.
 */
export function createKinesisClient(config: KinesisClientConfig = {}): KinesisClient {
  return new KinesisClient({ ...config, requestHandler: new NodeHttpHandler() });
}

export function createAwsClients(settings: AwsClientSettings = {}): AwsClients {
  // The SDK reads the profile's region and credentials itself when `profile` is given.
  const base = { region: settings.region, profile: settings.profile };
  return {
    cloudFormation: () => new CloudFormationClient(base),
    sts: () => new STSClient(base),
    kinesis: (credentials) => createKinesisClient({ region: base.region, profile: base.profile, credentials }),
    kms: (credentials) => new KMSClient(credentials === undefined ? base : { ...base, credentials }),
    s3: (credentials) => new S3Client({ ...base, credentials }),
    lambda: (credentials) =>
      new LambdaClient({
        ...base,
        credentials,
        // A replay waits for the writer: the socket must outlast the replay function's own timeout.
        requestHandler: { requestTimeout: (REPLAY_TIMEOUT_SECONDS + 30) * 1000 },
      }),
    sfn: (credentials) => new SFNClient({ ...base, credentials }),
    athena: (credentials) => new AthenaClient({ ...base, credentials }),
    cloudWatch: (credentials) => new CloudWatchClient({ ...base, credentials }),
    cloudTrail: (credentials) => new CloudTrailClient({ ...base, credentials }),
    sns: (credentials) => new SNSClient({ ...base, credentials }),
  };
}
