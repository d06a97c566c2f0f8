import { describeAccessMatrix } from './support/access-matrix';

// docs/design.md §3, §4 against the prod app, which names every trusted principal and key administrator.
describeAccessMatrix('prod');
