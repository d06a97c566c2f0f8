import { describeAccessMatrix } from './support/access-matrix';

// docs/design.md §3, §4 against the dev app (cdk.json's context, no principals configured: the roles trust
// this account and the account root administers the keys).
describeAccessMatrix('dev');
