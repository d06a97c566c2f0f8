import type { AthenaClient } from '@aws-sdk/client-athena';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Actor, CliError } from '../errors';

/**
 * What the controls of `trades verify` call AWS with: the auditor's clients (configuration only,
 * no trade), and the data engineer's S3 client for the one control that looks at a trade object.
 */
export interface VerifyContext {
  readonly auditor: Actor;
  readonly s3: S3Client;
  readonly kms: KMSClient;
  readonly kinesis: KinesisClient;
  readonly athena: AthenaClient;
  readonly cloudTrail: CloudTrailClient;
  readonly sns: SNSClient;
  /** The data engineer's session, or why it could not be had (that control then FAILs with it). */
  readonly engineer: { readonly actor: Actor; readonly s3: S3Client } | CliError;
  readonly dataKeyArn: string;
  readonly auditKeyArn: string;
}
