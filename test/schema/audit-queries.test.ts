import { AUDIT_QUERIES } from '../../schema/queries/audit-queries';
import { queryTables, TRADE_QUERIES } from '../../schema/queries/trade-queries';

// Request parameters of the KMS events these queries read that hold a JSON object or array, not a
// scalar (CloudTrail's KMS examples: encryptionContext and grantConstraints are objects, a grant's
// operations an array). Trino's json_extract_scalar returns NULL for them.
const NON_SCALAR_FIELDS = ['encryptionContext', 'grantConstraints', 'operations'];

const ALL_SQL = [
  ...AUDIT_QUERIES.map((query) => [query.name, query.sql] as const),
  ...TRADE_QUERIES.map((query) => [query.name, query.sql(queryTables({}))] as const),
];

describe('audit queries', () => {
  it('reads the KMS encryption context, a JSON object, with json_format(json_extract(...))', () => {
    const keyUse = AUDIT_QUERIES.find((query) => query.name === 'data-key-use');
    expect(keyUse?.sql).toContain(
      "json_format(json_extract(requestparameters, '$.encryptionContext')) AS encryption_context",
    );
  });

  it.each(ALL_SQL)(
    '%s never reads an object-valued field with json_extract_scalar (it would return NULL)',
    (_name, sql) => {
      const paths = [...sql.matchAll(/json_extract_scalar\s*\(\s*\w+\s*,\s*'\$\.([\w.]+)'\s*\)/g)].map((m) => m[1]);
      for (const path of paths) {
        const field = path.split('.')[0];
        expect(NON_SCALAR_FIELDS).not.toContain(field);
      }
      // Every json_extract_scalar call was recognised above: none hides behind another spelling.
      expect(paths.length).toBe((sql.match(/json_extract_scalar/g) ?? []).length);
    },
  );
});
