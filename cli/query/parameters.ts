import { PARTITION_COLUMN } from '../../schema/layout';
import { isCalendarDate } from '../produce/trading-day';

/**
 * The `?` execution parameters of a query, named from the SQL itself: schema/queries/ gives each
 * query's SQL and says nothing else about its parameters, so `trades query` reads the column each
 * `?` is compared with. `dt = ?` is `dt`; `trade_date = CAST(? AS date)` is `trade_date`;
 * `dt BETWEEN ? AND ?` is `first_dt` and `last_dt`; a `?` compared with anything else
 * (a function call, a literal) is `parameter_<n>`. Athena fills them in the order they occur.
 */
export interface QueryParameter {
  /** What `--param <name>=<value>` calls it. */
  readonly name: string;
  /** The column it is compared with, if the SQL says. */
  readonly column?: string;
  /** A date (a `dt` partition, or cast AS date): `--date` fills it, and it must be YYYY-MM-DD. */
  readonly isDate: boolean;
}

type TokenKind = 'word' | 'identifier' | 'string' | 'number' | 'parameter' | 'operator' | 'punctuation';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
}

const COMPARISONS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);

/** Trino SQL as tokens, without comments and with quoted identifiers and strings unquoted. */
function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const quoted = (quote: string): string => {
    let text = '';
    i += 1;
    while (i < sql.length) {
      if (sql[i] === quote) {
        if (sql[i + 1] === quote) {
          text += quote;
          i += 2;
          continue;
        }
        i += 1;
        return text;
      }
      text += sql[i];
      i += 1;
    }
    throw new SyntaxError(`the SQL ends inside a ${quote === "'" ? 'string' : 'quoted name'}`);
  };
  while (i < sql.length) {
    const char = sql[i] as string;
    const rest = sql.slice(i);
    if (/\s/.test(char)) {
      i += 1;
    } else if (rest.startsWith('--')) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (rest.startsWith('/*')) {
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) throw new SyntaxError('the SQL ends inside a /* comment');
      i = end + 2;
    } else if (char === "'") {
      tokens.push({ kind: 'string', text: quoted("'") });
    } else if (char === '"') {
      tokens.push({ kind: 'identifier', text: quoted('"') });
    } else if (char === '?') {
      tokens.push({ kind: 'parameter', text: '?' });
      i += 1;
    } else {
      const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(rest)?.[0];
      const number = /^\d+(\.\d*)?([eE][-+]?\d+)?/.exec(rest)?.[0];
      const operator = /^(<=|>=|<>|!=|->|\|\||[=<>+\-*/%])/.exec(rest)?.[0];
      if (word !== undefined) {
        tokens.push({ kind: 'word', text: word });
        i += word.length;
      } else if (number !== undefined) {
        tokens.push({ kind: 'number', text: number });
        i += number.length;
      } else if (operator !== undefined) {
        tokens.push({ kind: 'operator', text: operator });
        i += operator.length;
      } else {
        tokens.push({ kind: 'punctuation', text: char });
        i += 1;
      }
    }
  }
  return tokens;
}

const isWord = (token: Token | undefined, word: string) => token?.kind === 'word' && token.text.toUpperCase() === word;

/** The column a name token stands for (the last part of `t.dt`, a quoted name as written). */
function columnOf(token: Token | undefined): string | undefined {
  if (token?.kind === 'identifier') return token.text;
  if (token?.kind === 'word') return token.text.toLowerCase();
  return undefined;
}

/** Where the operand that holds `?` at `index` starts: at `CAST` for `CAST(? AS type)`. */
function operandStart(tokens: readonly Token[], index: number): { start: number; castType?: string } {
  if (tokens[index - 1]?.text === '(' && isWord(tokens[index - 2], 'CAST') && isWord(tokens[index + 1], 'AS')) {
    return { start: index - 2, castType: tokens[index + 2]?.text.toLowerCase() };
  }
  return { start: index };
}

/** For the `?` after `AND` at `andIndex`: the BETWEEN it closes, if it closes one. */
function betweenBefore(tokens: readonly Token[], andIndex: number): number | undefined {
  let depth = 0;
  for (let i = andIndex - 1; i >= 0; i -= 1) {
    const token = tokens[i] as Token;
    if (token.text === ')') depth += 1;
    else if (token.text === '(') {
      if (depth === 0) return undefined;
      depth -= 1;
    } else if (depth === 0) {
      if (isWord(token, 'BETWEEN')) return i;
      if (token.kind === 'word' && ['AND', 'OR', 'WHERE', 'ON', 'SELECT', 'WHEN'].includes(token.text.toUpperCase())) {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The parameters of `sql`, in the order Athena fills them. Throws SyntaxError on an unclosed string. */
export function queryParameters(sql: string): QueryParameter[] {
  const tokens = tokenize(sql);
  const parameters: QueryParameter[] = [];
  const used = new Map<string, number>();
  tokens.forEach((token, index) => {
    if (token.kind !== 'parameter') return;
    const { start, castType } = operandStart(tokens, index);
    const before = tokens[start - 1];
    let column: string | undefined;
    let role: 'first' | 'last' | undefined;
    if (before?.kind === 'operator' && COMPARISONS.has(before.text)) {
      column = columnOf(tokens[start - 2]);
    } else if (isWord(before, 'BETWEEN') || isWord(before, 'LIKE')) {
      column = columnOf(tokens[start - 2]);
      role = isWord(before, 'BETWEEN') ? 'first' : undefined;
    } else if (isWord(before, 'AND')) {
      const between = betweenBefore(tokens, start - 1);
      if (between !== undefined) {
        column = columnOf(tokens[between - 1]);
        role = 'last';
      }
    }
    const position = parameters.length + 1;
    const base = column === undefined ? `parameter_${position}` : role === undefined ? column : `${role}_${column}`;
    const seen = (used.get(base) ?? 0) + 1;
    used.set(base, seen);
    parameters.push({
      name: seen === 1 ? base : `${base}_${seen}`,
      column,
      isDate: castType === 'date' || column === PARTITION_COLUMN,
    });
  });
  return parameters;
}

/** What `--date` and `--param` say, before they meet a query. */
export interface ParameterValues {
  readonly date?: string;
  readonly params: readonly { readonly name: string; readonly value: string }[];
}

/** A value as an Athena execution parameter: a SQL string literal, its quotes doubled. */
export function sqlStringLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The execution parameters for `parameters`, in their order, from `--param` (by name) and `--date`
 * (every date the params leave open). Throws a RangeError that says what is missing or unknown.
 */
export function executionParameters(
  queryName: string,
  parameters: readonly QueryParameter[],
  values: ParameterValues,
): string[] {
  const byName = new Map<string, string>();
  for (const { name, value } of values.params) {
    if (byName.has(name)) throw new RangeError(`--param ${name} is given twice.`);
    byName.set(name, value);
  }
  const known = parameters.map(({ name }) => name);
  const unknown = [...byName.keys()].filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    const takes = known.length === 0 ? 'takes no parameters' : `takes ${known.join(', ')}`;
    throw new RangeError(`${queryName} has no parameter ${unknown.join(', ')}: it ${takes}.`);
  }
  if (values.date !== undefined && !parameters.some((parameter) => parameter.isDate)) {
    throw new RangeError(`${queryName} takes no date, so --date has nothing to fill.`);
  }
  const missing: string[] = [];
  const filled = parameters.map((parameter) => {
    const value = byName.get(parameter.name) ?? (parameter.isDate ? values.date : undefined);
    if (value === undefined) {
      missing.push(parameter.isDate ? `${parameter.name} (--date or --param)` : `${parameter.name} (--param)`);
      return '';
    }
    if (parameter.isDate && !isCalendarDate(value)) {
      throw new RangeError(`${parameter.name} is a date: give it as YYYY-MM-DD, not '${value}'.`);
    }
    return sqlStringLiteral(value);
  });
  if (missing.length > 0) throw new RangeError(`${queryName} needs ${missing.join(', ')}.`);
  return filled;
}
