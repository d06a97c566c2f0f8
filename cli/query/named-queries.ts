import { closest } from 'fastest-levenshtein';
import { queryTables, TRADE_QUERIES, type TradeQuery } from '../../schema/queries/trade-queries';
import { type QueryParameter, queryParameters } from './parameters';

/** The Glue databases a named query's tables live in (stack outputs DatabaseName, CuratedDatabaseName). */
export interface QueryDatabases {
  readonly raw: string;
  readonly curated: string;
}

/** A named query of schema/queries/, with the parameters its SQL declares. */
export interface NamedQuery {
  readonly query: TradeQuery;
  readonly parameters: readonly QueryParameter[];
  /** The SQL exactly as the workgroups save it (lib/query/analytics.ts renders it the same way). */
  sql(databases: QueryDatabases): string;
}

function named(query: TradeQuery): NamedQuery {
  const sql = (databases: QueryDatabases) => query.sql(queryTables(databases));
  // The parameters do not depend on where the tables live: any database names give the same `?`s.
  return { query, parameters: queryParameters(sql({ raw: 'raw', curated: 'curated' })), sql };
}

/** Every named query `trades query` runs: schema/queries/ itself, never a copy and never ListNamedQueries. */
export const NAMED_QUERIES: readonly NamedQuery[] = TRADE_QUERIES.map(named);

/** What the first argument of `trades query` is: a named query, or SQL of one's own. */
export type QueryText =
  | { readonly kind: 'named'; readonly named: NamedQuery }
  | { readonly kind: 'sql'; readonly sql: string; readonly parameters: readonly QueryParameter[] };

/**
 * A named query by its name; anything with a space or a line break in it is SQL. A single word that
 * names no query is a mistake (RangeError, with the closest name).
 */
export function resolveQueryText(text: string): QueryText {
  const found = NAMED_QUERIES.find(({ query }) => query.name === text);
  if (found !== undefined) return { kind: 'named', named: found };
  if (/\s/.test(text.trim())) return { kind: 'sql', sql: text, parameters: queryParameters(text) };
  const names = NAMED_QUERIES.map(({ query }) => query.name);
  throw new RangeError(
    `No named query '${text}' (did you mean ${closest(text, names)}?). The named queries: ${names.join(', ')}; \`trades query\` alone lists them. Or give SQL in quotes.`,
  );
}
