/**
 * CloudTrail records as a trail delivers them to CloudWatch Logs (one JSON object per log event),
 * shaped after the examples in the AWS KMS, IAM, CloudTrail and S3 guides: the fields a filter
 * pattern reads are where CloudTrail puts them (`resources[0].ARN` for a KMS key, `requestParameters
 * .bucketName` for S3, `userIdentity.invokedBy` when a service acts for a principal).
 */

export const ACCOUNT = '111111111111';
export const REGION = 'eu-west-1';

const ASSUMED_ROLE = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEROLEID:alice',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/platform-admin/alice`,
  accountId: ACCOUNT,
  accessKeyId: 'ASIAEXAMPLEKEYID',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLEROLEID',
      arn: `arn:aws:iam::${ACCOUNT}:role/platform-admin`,
      accountId: ACCOUNT,
      userName: 'platform-admin',
    },
    attributes: { creationDate: '2026-05-04T09:58:00Z', mfaAuthenticated: 'true' },
  },
};

const ROOT = {
  type: 'Root',
  principalId: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:root`,
  accountId: ACCOUNT,
  accessKeyId: 'ASIAEXAMPLEROOTKEY',
};

/** A management event of an API call; `fields` replace or add top-level fields. */
export function apiCall(eventSource: string, eventName: string, fields: Record<string, unknown> = {}): object {
  return {
    eventVersion: '1.09',
    userIdentity: ASSUMED_ROLE,
    eventTime: '2026-05-04T10:00:00Z',
    eventSource,
    eventName,
    awsRegion: REGION,
    sourceIPAddress: '192.0.2.10',
    userAgent: 'aws-cli/2.15.30',
    requestParameters: null,
    responseElements: null,
    requestID: '7bb906fa-dc21-4350-b65c-808ff0f72f55',
    eventID: 'c217db1f-903f-4a2f-8f88-9580182d6313',
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...fields,
  };
}

export const asRoot = { userIdentity: ROOT };

/**
 * A KMS call on one key. As in AWS's examples, `requestParameters.keyId` is what the caller passed
 * (here the key id, as in the PutKeyPolicy example) and `resources[0].ARN` is the key's ARN.
 */
export function kmsCall(eventName: string, keyArn: string, requestParameters: Record<string, unknown> = {}): object {
  return apiCall('kms.amazonaws.com', eventName, {
    requestParameters: { keyId: keyArn.split('/').pop(), ...requestParameters },
    resources: [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: keyArn }],
  });
}

/** A CreateGrant call made by an AWS service for a resource of its own, on the caller's key. */
export function serviceCreateGrant(keyArn: string): object {
  return {
    ...kmsCall('CreateGrant', keyArn, {
      granteePrincipal: 'ebs.amazonaws.com',
      operations: ['Decrypt', 'GenerateDataKeyWithoutPlaintext'],
    }),
    userIdentity: { ...ASSUMED_ROLE, invokedBy: 'ec2.amazonaws.com' },
    sourceIPAddress: 'ec2.amazonaws.com',
    userAgent: 'ec2.amazonaws.com',
  };
}

/** A bucket-level S3 call (a management event). */
export function s3BucketCall(eventName: string, bucketName: string, parameters: Record<string, unknown> = {}): object {
  return apiCall('s3.amazonaws.com', eventName, {
    requestParameters: { bucketName, Host: `${bucketName}.s3.${REGION}.amazonaws.com`, ...parameters },
    additionalEventData: { SignatureVersion: 'SigV4', AuthenticationMethod: 'AuthHeader', bytesTransferredIn: 0 },
    resources: [{ type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucketName}` }],
  });
}

/** An object-level S3 call (a data event). */
export function s3ObjectCall(
  eventName: string,
  bucketName: string,
  key: string,
  parameters: Record<string, unknown> = {},
  additionalEventData: Record<string, unknown> = {},
): object {
  return apiCall('s3.amazonaws.com', eventName, {
    requestParameters: { bucketName, Host: `${bucketName}.s3.${REGION}.amazonaws.com`, key, ...parameters },
    additionalEventData: {
      SignatureVersion: 'SigV4',
      AuthenticationMethod: 'AuthHeader',
      bytesTransferredIn: 0,
      ...additionalEventData,
    },
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucketName}/${key}` },
      { accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucketName}` },
    ],
    managementEvent: false,
    eventCategory: 'Data',
  });
}
