/**
 * Columns of the CloudTrail table, as in the Athena documentation's partition-projection DDL for
 * CloudTrail logs. Nested records are Hive struct types; the request and response bodies stay JSON
 * strings (query them with json_extract).
 */
export const CLOUDTRAIL_COLUMNS: readonly { readonly name: string; readonly type: string }[] = [
  { name: 'eventversion', type: 'string' },
  {
    name: 'useridentity',
    type:
      'struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string,accesskeyid:string,username:string,' +
      'onbehalfof:struct<userid:string,identitystorearn:string>,' +
      'sessioncontext:struct<attributes:struct<mfaauthenticated:string,creationdate:string>,' +
      'sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>,' +
      'ec2roledelivery:string,webidfederationdata:struct<federatedprovider:string,attributes:map<string,string>>>>',
  },
  { name: 'eventtime', type: 'string' },
  { name: 'eventsource', type: 'string' },
  { name: 'eventname', type: 'string' },
  { name: 'awsregion', type: 'string' },
  { name: 'sourceipaddress', type: 'string' },
  { name: 'useragent', type: 'string' },
  { name: 'errorcode', type: 'string' },
  { name: 'errormessage', type: 'string' },
  { name: 'requestparameters', type: 'string' },
  { name: 'responseelements', type: 'string' },
  { name: 'additionaleventdata', type: 'string' },
  { name: 'requestid', type: 'string' },
  { name: 'eventid', type: 'string' },
  { name: 'readonly', type: 'string' },
  { name: 'resources', type: 'array<struct<arn:string,accountid:string,type:string>>' },
  { name: 'eventtype', type: 'string' },
  { name: 'apiversion', type: 'string' },
  { name: 'recipientaccountid', type: 'string' },
  { name: 'serviceeventdetails', type: 'string' },
  { name: 'sharedeventid', type: 'string' },
  { name: 'vpcendpointid', type: 'string' },
  { name: 'vpcendpointaccountid', type: 'string' },
  { name: 'eventcategory', type: 'string' },
  { name: 'sessioncredentialfromconsole', type: 'string' },
  { name: 'edgedevicedetails', type: 'string' },
  { name: 'tlsdetails', type: 'struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>' },
];

/** Name of the CloudTrail table in the audit database. */
export const CLOUDTRAIL_TABLE = 'cloudtrail';

/** Auditors' named queries; `?` are Athena execution parameters. */
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
       json_extract_scalar(requestparameters, '$.encryptionContext') AS encryption_context
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
