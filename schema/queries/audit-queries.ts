import { CLOUDTRAIL_TABLE } from '../tables';

/**
 * The auditors' named queries over the CloudTrail table (Athena engine 3, Trino); `?` are Athena
 * execution parameters. CloudTrail keeps request parameters as JSON text: an object inside it (the
 * KMS encryption context) must be read with `json_format(json_extract(...))`, because
 * `json_extract_scalar` returns NULL for anything that is not a scalar.
 */
export const AUDIT_QUERIES: readonly {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly sql: string;
}[] = [
  {
    id: 'KeyUseQuery',
    name: 'data-key-use',
    description:
      'Every KMS call on a key between two days (parameters: first day, last day as yyyy/MM/dd, key ARN), denied calls included',
    sql: `SELECT eventtime, useridentity.arn AS caller, eventname, errorcode, sourceipaddress,
       json_format(json_extract(requestparameters, '$.encryptionContext')) AS encryption_context
FROM "${CLOUDTRAIL_TABLE}"
WHERE "timestamp" BETWEEN ? AND ?
  AND eventsource = 'kms.amazonaws.com'
  AND any_match(resources, r -> r.arn = ?)
ORDER BY eventtime`,
  },
  {
    id: 'ObjectAccessQuery',
    name: 'lake-object-access',
    description:
      'Every S3 object call on the data lake bucket between two days (parameters: first day, last day as yyyy/MM/dd, bucket name)',
    sql: `SELECT eventtime, useridentity.arn AS caller, eventname, errorcode,
       json_extract_scalar(requestparameters, '$.key') AS object_key
FROM "${CLOUDTRAIL_TABLE}"
WHERE "timestamp" BETWEEN ? AND ?
  AND eventsource = 's3.amazonaws.com'
  AND json_extract_scalar(requestparameters, '$.bucketName') = ?
ORDER BY eventtime`,
  },
  {
    id: 'KeyPolicyChangesQuery',
    name: 'key-policy-changes',
    description: 'Changes to key policies, key state and aliases between two days (parameters: first day, last day)',
    sql: `SELECT eventtime, useridentity.arn AS caller, eventname, errorcode, requestparameters
FROM "${CLOUDTRAIL_TABLE}"
WHERE "timestamp" BETWEEN ? AND ?
  AND eventsource = 'kms.amazonaws.com'
  AND eventname IN ('PutKeyPolicy', 'DisableKey', 'ScheduleKeyDeletion', 'CancelKeyDeletion', 'CreateAlias', 'DeleteAlias', 'UpdateAlias', 'CreateGrant')
ORDER BY eventtime`,
  },
];
