import { TRADES_TABLE } from '../schema/tables';
import { TRADE_FIELDS } from '../schema/trade-fields';

/**
 * The SQL subset that Athena (Trino) and DuckDB read the same way, as a lint over a statement's
 * text. A named query that the local run answers with DuckDB must pass it, so that a local answer
 * is the answer Athena gives. Running the statement in DuckDB catches what DuckDB lacks (most
 * Trino-only functions fail there as unknown); this catches what DuckDB accepts and Trino does not,
 * or reads differently:
 *
 * - casts are written `CAST(x AS t)`, never `x::t`;
 * - no integer division (Trino's `7 / 2` is 3, DuckDB's 3.5; DuckDB's `//` is its own);
 * - no approximate functions: their answers differ by engine and by run;
 * - `dt` is compared as the string it is in Glue (partition projection), never as a date;
 * - a column stored as text that a query computes with (`price`, `executed_at`) is cast first,
 *   never summed, compared or multiplied as text;
 * - no syntax or function of one dialect only, or whose meaning differs between the two.
 *
 * It reads the text with comments removed and string literals emptied, so a rule never fires on
 * words inside a literal.
 */

/** One construct outside the subset. */
export interface SubsetRule {
  readonly id: string;
  readonly why: string;
  readonly pattern: RegExp;
}

/** A construct found, and where. */
export interface SubsetViolation {
  readonly rule: string;
  readonly why: string;
  /** The text that matched. */
  readonly found: string;
}

const functions = (names: readonly string[]) => new RegExp(`\\b(${names.join('|')})\\s*\\(`, 'g');

/**
 * Columns of the raw table stored as text that a query must cast before computing with them
 * (trade-fields.ts `trinoCast`). The curated table holds them typed (decimal, timestamp).
 */
export const RAW_TEXT_COLUMNS: readonly string[] = TRADE_FIELDS.filter(({ trinoCast }) => trinoCast !== undefined).map(
  ({ name }) => name,
);

/** The text columns a query reads, from the tables it declares: the raw trades table's, or none. */
export function textColumnsRead(tables: readonly string[]): readonly string[] {
  return tables.includes(TRADES_TABLE) ? RAW_TEXT_COLUMNS : [];
}

/** The rules, with the text columns that must be cast before any arithmetic or aggregate. */
export function subsetRules(textColumns: readonly string[] = RAW_TEXT_COLUMNS): SubsetRule[] {
  const rules = [...BASE_RULES];
  if (textColumns.length > 0) rules.push(textWithoutCast(textColumns));
  return rules;
}

function textWithoutCast(textColumns: readonly string[]): SubsetRule {
  const names = textColumns.join('|');
  return {
    id: 'text-without-cast',
    why: `${textColumns.join(' and ')} are stored as text: CAST them (or parse them) before computing with them`,
    pattern: new RegExp(
      `\\b(sum|avg|min|max|stddev\\w*|variance|var_\\w+)\\s*\\(\\s*(\\w+\\.)?(${names})\\s*\\)|\\b(\\w+\\.)?(${names})\\s*[-+*/<>]|[-+*/<>]=?\\s*(\\w+\\.)?(${names})\\b`,
      'g',
    ),
  };
}

const BASE_RULES: readonly SubsetRule[] = [
  { id: 'double-colon-cast', why: 'x::type is DuckDB (and Postgres) only: write CAST(x AS type)', pattern: /::/g },
  {
    id: 'integer-division-operator',
    why: '// is DuckDB integer division; Trino has no such operator',
    pattern: /\/\//g,
  },
  { id: 'ilike', why: 'ILIKE is DuckDB only: write lower(x) LIKE lower(y)', pattern: /\bilike\b/g },
  {
    id: 'qualify',
    why: 'QUALIFY is DuckDB only: filter the window function in an outer SELECT',
    pattern: /\bqualify\b/g,
  },
  {
    id: 'by-all',
    why: 'GROUP BY ALL and ORDER BY ALL are DuckDB only: name the columns',
    pattern: /\b(group|order)\s+by\s+all\b/g,
  },
  {
    id: 'star-modifier',
    why: 'SELECT * EXCLUDE/REPLACE and COLUMNS(...) are DuckDB only: list the columns',
    pattern: /\*\s*(exclude|replace)\b|\bcolumns\s*\(/g,
  },
  { id: 'from-first', why: 'FROM-first queries are DuckDB only', pattern: /^\s*from\b/g },
  { id: 'pivot', why: 'PIVOT and UNPIVOT are DuckDB only', pattern: /\b(pivot|unpivot)\b/g },
  {
    id: 'sample',
    why: 'sampling differs by engine and by run',
    pattern: /\busing\s+sample\b|\btablesample\b/g,
  },
  {
    id: 'lambda',
    why: 'lambdas (x -> ...) are written and typed differently in the two engines',
    pattern: /->/g,
  },
  {
    id: 'approximate-function',
    why: 'approximate aggregates answer differently by engine and by run',
    pattern: functions([
      'approx_\\w+',
      'approximate_\\w+',
      'reservoir_quantile',
      'tdigest_agg',
      'qdigest_agg',
      'numeric_histogram',
    ]),
  },
  {
    id: 'duckdb-only-function',
    why: 'a DuckDB function that Trino does not have',
    pattern: functions([
      'list_\\w+',
      'struct_pack',
      'strftime',
      'strptime',
      'epoch_ms',
      'epoch',
      'regexp_matches',
      'string_agg',
      'arg_max',
      'arg_min',
      'median',
      'ifnull',
      'len',
      'strlen',
      'read_\\w+',
      'glob',
      'generate_series',
      'range',
      'json_extract_string',
      'json_extract_path\\w*',
      'make_date',
      'today',
      'nextval',
    ]),
  },
  {
    id: 'trino-only-function',
    why: 'a Trino function that DuckDB does not have: the local answer would need another query',
    pattern: functions([
      'from_iso8601_\\w+',
      'to_iso8601',
      'json_format',
      'json_extract_scalar',
      'json_parse',
      'any_match',
      'all_match',
      'none_match',
      'transform',
      'reduce',
      'zip_with',
      'date_parse',
      'date_format',
      'parse_datetime',
      'format_datetime',
      'regexp_like',
      'try',
      'array_join',
      'sequence',
      'from_unixtime',
      'to_unixtime',
      'at_timezone',
      'with_timezone',
      'map_agg',
      'histogram',
    ]),
  },
  {
    id: 'different-meaning',
    why: 'a function both engines have but answer differently (element_at of a map, md5 of text, format)',
    pattern: functions(['element_at', 'md5', 'sha256', 'format', 'cardinality']),
  },
  {
    id: 'dt-as-date',
    why: 'dt is a string in Glue (partition projection): compare it with a string or a ? parameter',
    pattern:
      /\b(\w+\.)?dt\s*(=|<>|!=|<=|>=|<|>|between)\s*(date\b|cast\b|current_date|now\s*\(|date\s*\()|\bcast\s*\(\s*(\w+\.)?dt\s+as\b|\bdate\s*\(\s*(\w+\.)?dt\b|\b(date_trunc|date_add|date_diff|year|month|day)\s*\([^)]*\bdt\b/g,
  },
];

/** The statement lower-cased, comments removed, string literals emptied, quoted identifiers kept as names. */
export function comparableText(sql: string): string {
  let out = '';
  let at = 0;
  while (at < sql.length) {
    const char = sql[at] as string;
    const next = sql[at + 1];
    if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', at);
      at = end === -1 ? sql.length : end;
    } else if (char === '/' && next === '*') {
      const end = sql.indexOf('*/', at + 2);
      at = end === -1 ? sql.length : end + 2;
      out += ' ';
    } else if (char === "'") {
      // '' inside a literal is an escaped quote.
      let end = at + 1;
      while (end < sql.length && !(sql[end] === "'" && sql[end + 1] !== "'")) end += sql[end] === "'" ? 2 : 1;
      out += "''";
      at = end + 1;
    } else if (char === '"') {
      const end = sql.indexOf('"', at + 1);
      out += `"${sql.slice(at + 1, end === -1 ? sql.length : end).toLowerCase()}"`;
      at = end === -1 ? sql.length : end + 1;
    } else {
      out += char.toLowerCase();
      at += 1;
    }
  }
  return out;
}

/** Every rule, for the raw table's text columns. */
export const SUBSET_RULES: readonly SubsetRule[] = subsetRules();

/**
 * Every construct of `sql` outside the subset; empty when it is inside. `textColumns`: the text
 * columns the statement reads (textColumnsRead), default the raw table's.
 */
export function subsetViolations(sql: string, textColumns: readonly string[] = RAW_TEXT_COLUMNS): SubsetViolation[] {
  const rules = subsetRules(textColumns);
  const text = comparableText(sql);
  const violations: SubsetViolation[] = [];
  for (const rule of rules) {
    for (const match of text.matchAll(new RegExp(rule.pattern.source, rule.pattern.flags))) {
      violations.push({ rule: rule.id, why: rule.why, found: match[0] });
    }
  }
  return violations;
}
