import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrinoSQL } from 'dt-sql-parser';
import * as esbuild from 'esbuild';

export interface TrinoGrammar {
  /** Every syntax error the Trino grammar finds in `sql`, as `line:column message`; none when it parses. */
  syntaxErrors(sql: string): string[];
  /** How many statements `sql` holds. */
  statementCount(sql: string): number;
  /** Nothing to release: the bundled parser stays in .cache/ for the next run. */
  dispose(): void;
}

/**
 * dt-sql-parser's Trino grammar (ANTLR 4). The package ships ES modules written for bundlers
 * (directory imports that Node's ESM loader refuses) and antlr4-c3 ships `.mjs` only, so neither
 * jest's CommonJS runtime nor Node can load them as published: esbuild, already the Lambda
 * bundler, turns the Trino parser into one CommonJS file that this loads.
 */
export function loadTrinoGrammar(): TrinoGrammar {
  // Bundled once per installed version into .cache/ (git-ignored): bundling costs a second or two.
  const version = (require('dt-sql-parser/package.json') as { version: string }).version;
  const outfile = path.join(__dirname, '..', '..', '..', '.cache', 'trino-grammar', `dt-sql-parser-${version}.cjs`);
  if (!fs.existsSync(outfile)) {
    const partial = `${outfile}.${process.pid}.tmp`;
    esbuild.buildSync({
      stdin: { contents: "export { TrinoSQL } from 'dt-sql-parser';", resolveDir: __dirname },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: partial,
      logLevel: 'error',
    });
    // Renamed into place whole, so a parallel run never loads a half-written bundle.
    fs.renameSync(partial, outfile);
  }
  const parser: TrinoSQL = new (require(outfile) as { TrinoSQL: new () => TrinoSQL }).TrinoSQL();
  return {
    syntaxErrors: (sql) =>
      parser.validate(sql).map((error) => `${error.startLine}:${error.startColumn} ${error.message}`),
    statementCount: (sql) => parser.splitSQLByStatement(sql)?.length ?? 0,
    dispose: () => undefined,
  };
}
