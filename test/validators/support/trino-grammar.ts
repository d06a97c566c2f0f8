import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TrinoSQL } from 'dt-sql-parser';
import * as esbuild from 'esbuild';

export interface TrinoGrammar {
  /** Every syntax error the Trino grammar finds in `sql`, as `line:column message`; none when it parses. */
  syntaxErrors(sql: string): string[];
  /** How many statements `sql` holds. */
  statementCount(sql: string): number;
  /** Removes the bundled parser from the temporary directory. */
  dispose(): void;
}

/**
 * dt-sql-parser's Trino grammar (ANTLR 4). The package ships ES modules written for bundlers
 * (directory imports that Node's ESM loader refuses) and antlr4-c3 ships `.mjs` only, so neither
 * jest's CommonJS runtime nor Node can load them as published: esbuild, already the Lambda
 * bundler, turns the Trino parser into one CommonJS file that this loads.
 */
export function loadTrinoGrammar(): TrinoGrammar {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trino-grammar-'));
  const outfile = path.join(dir, 'trino-sql.cjs');
  esbuild.buildSync({
    stdin: { contents: "export { TrinoSQL } from 'dt-sql-parser';", resolveDir: __dirname },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'error',
  });
  const parser: TrinoSQL = new (require(outfile) as { TrinoSQL: new () => TrinoSQL }).TrinoSQL();
  return {
    syntaxErrors: (sql) =>
      parser.validate(sql).map((error) => `${error.startLine}:${error.startColumn} ${error.message}`),
    statementCount: (sql) => parser.splitSQLByStatement(sql)?.length ?? 0,
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
