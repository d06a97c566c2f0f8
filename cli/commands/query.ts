import { Command, InvalidArgumentError, Option } from 'commander';
import { type RoleOutputName, STACK_OUTPUTS, type StackOutputName } from '../aws/stack-outputs';
import { type CliEnvironment, type GlobalOptions, StackSession } from '../context';
import { usageError } from '../errors';
import { calendarDate } from '../options';
import { notice } from '../output/output';
import { type Format, formatOption, renderRows } from '../output/rows';
import { NAMED_QUERIES, type QueryText, resolveQueryText } from '../query/named-queries';
import { executionParameters, type ParameterValues, type QueryParameter } from '../query/parameters';
import { renderQueryResult } from '../query/render';
import { type Interrupts, processInterrupts, runQuery } from '../query/run-query';
import { roleHelp } from './help';

/** `trades query`: a named query of schema/queries/, or SQL, in the caller's workgroup. */

const AS = {
  analyst: {
    role: STACK_OUTPUTS.analystRoleArn,
    workGroup: STACK_OUTPUTS.workGroupName,
  },
  engineer: {
    role: STACK_OUTPUTS.dataEngineerRoleArn,
    workGroup: STACK_OUTPUTS.engineerWorkGroupName,
  },
} as const satisfies Record<string, { role: RoleOutputName; workGroup: StackOutputName }>;
type As = keyof typeof AS;

interface QueryCommandOptions {
  readonly date?: string;
  readonly param: readonly { readonly name: string; readonly value: string }[];
  readonly as: As;
  readonly format: Format;
}

/** `--param name=value`, repeatable. */
function collectParam(
  text: string,
  previous: readonly { name: string; value: string }[],
): { name: string; value: string }[] {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/s.exec(text);
  if (match === null) throw new InvalidArgumentError('Give name=value, e.g. trade_id=T20261130-0000007-0000001.');
  return [...previous, { name: match[1] as string, value: match[2] as string }];
}

function describeParameters(parameters: readonly QueryParameter[]): string {
  return parameters.map(({ name, isDate }) => (isDate ? `${name} (date)` : name)).join(', ');
}

/** The named queries as a table: what `trades query` alone prints; needs no AWS. */
export function renderNamedQueries(format: Format): string {
  return renderRows(
    [{ key: 'name', header: 'named query' }, { key: 'reads' }, { key: 'parameters' }, { key: 'description' }],
    NAMED_QUERIES.map(({ query, parameters }) => ({
      name: query.name,
      reads: query.tables.join(', '),
      parameters: describeParameters(parameters),
      description: query.description,
    })),
    format,
  );
}

/** The statement and its parameters as the command line asks for them; a usage error otherwise. */
function prepare(text: string, values: ParameterValues): { queryText: QueryText; parameters: string[] } {
  try {
    const queryText = resolveQueryText(text);
    const [name, declared] =
      queryText.kind === 'named'
        ? [queryText.named.query.name, queryText.named.parameters]
        : ['the SQL', queryText.parameters];
    return { queryText, parameters: executionParameters(name, declared, values) };
  } catch (error) {
    if (error instanceof RangeError || error instanceof SyntaxError) throw usageError(error.message);
    throw error;
  }
}

/**
 * More to say when an analyst's query is refused a table. Athena says `Insufficient permissions` (or
 * Access Denied) then; its `not authorized to access requested resources` also ends every
 * COLUMN_NOT_FOUND, so that phrase alone says nothing.
 */
function failureHint(as: As): (reason: string) => string | undefined {
  return (reason) =>
    as === 'analyst' && /insufficient permissions|access ?denied/i.test(reason)
      ? 'The analyst role reads curated.trades and the raw trades only (docs/design.md §3); a query of quarantine runs with --as engineer.'
      : undefined;
}

export function queryCommand(env: CliEnvironment, interrupts: Interrupts = processInterrupts): Command {
  return new Command('query')
    .summary('run a named query or SQL in Athena, as an analyst or a data engineer')
    .description(
      'Run a named query (schema/queries/, the ones the workgroups save) or SQL of your own in your Athena workgroup, wait for it with progress, print its rows, then the data it scanned and what that costs. Its ? parameters are filled in order from --date and --param. Ctrl-C stops the query (StopQueryExecution). Without a query, lists the named queries and their parameters.',
    )
    .argument('[query]', 'a named query, or SQL in quotes')
    .option('--date <YYYY-MM-DD>', 'fills every date parameter that --param leaves open', calendarDate)
    .addOption(
      new Option('--param <name=value>', 'a parameter by name (repeat for each); values are sent as SQL strings')
        .argParser(collectParam)
        .default([], 'none'),
    )
    .addOption(
      new Option('--as <role>', "whose role and workgroup: the analysts' or the data engineers'")
        .choices(Object.keys(AS))
        .default('analyst'),
    )
    .addOption(formatOption())
    .addHelpText('after', roleHelp(AS.analyst.role, "analysts' workgroup, the default"))
    .addHelpText(
      'after',
      `      with --as engineer, from output ${AS.engineer.role} (data engineers' workgroup: quarantine and raw data too).

Examples:
  $ trades query
  $ trades query vwap-by-symbol --date 2026-11-30
  $ trades query trade-by-id --date 2026-11-30 --param trade_id=T20261130-0000007-0000001
  $ trades query quarantine-by-reason --date 2026-11-30 --as engineer --format csv
  $ trades query "SELECT count(*) AS trades FROM trades WHERE dt = ?" --param dt=2026-11-30`,
    )
    .action(async (text: string | undefined, options: QueryCommandOptions, command: Command) => {
      if (text === undefined) {
        env.output.stdout.write(renderNamedQueries(options.format));
        return;
      }
      const { queryText, parameters } = prepare(text, { date: options.date, params: options.param });
      const as = AS[options.as];
      const session = new StackSession(env, command.optsWithGlobals<GlobalOptions>());
      const workGroup = await session.output(as.workGroup);
      const database = await session.output(STACK_OUTPUTS.databaseName);
      const sql =
        queryText.kind === 'named'
          ? queryText.named.sql({ raw: database, curated: await session.output(STACK_OUTPUTS.curatedDatabaseName) })
          : queryText.sql;
      const role = await session.assumeRole(as.role, 'query');
      const athena = session.clients.athena(role.credentials);
      const result = await runQuery(
        { athena, workGroup, database, actor: role.actor },
        { sql, executionParameters: parameters, failureHint: failureHint(options.as) },
        { output: env.output, sleep: env.sleep, interrupts },
      );
      env.output.stdout.write(renderQueryResult(result.columns, result.rows, options.format));
      notice(
        env.output,
        `${result.rows.length} row${result.rows.length === 1 ? '' : 's'} (query ${result.queryExecutionId}). ${result.cost}`,
      );
    });
}
