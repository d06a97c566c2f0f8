import { describeAccessMatrix } from './support/access-matrix';

// DESIGN §3 and §4 against the prod app, which names every trusted principal and key administrator.
describeAccessMatrix('prod');
