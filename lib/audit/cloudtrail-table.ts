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
