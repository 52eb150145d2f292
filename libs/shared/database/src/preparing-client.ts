import { Client } from 'pg';

/** Distinct statement texts one process prepares at most; past it, new texts go unnamed (a bound if SQL were ever generated per call). */
export const MAX_PREPARED_STATEMENTS = 1000;

type QueryMethod = (this: Client, config: unknown, values?: unknown, callback?: unknown) => unknown;

/**
 * node-postgres' Client, except that a query with parameters goes as a named prepared statement: each
 * connection parses and plans a statement text once and then only binds and executes it. Unnamed, every
 * execution is parsed and planned again. In the bench that was a fifth to a third of PostgreSQL's CPU
 * (docs/performance.md).
 *
 * The name is one per statement text for the whole process (`os_<n>`), so it can never stand for two
 * texts on one connection. Queries without parameters (transaction control, DDL) stay unnamed, and so does
 * every new text after MAX_PREPARED_STATEMENTS. Statements stay valid across the migrations: PostgreSQL
 * re-plans a prepared statement when a table it reads changes, and our SQL names its columns (no `SELECT *`),
 * so an added column does not change a prepared statement's result type. Behind a connection pooler that
 * hands one client several server connections (PgBouncer in transaction mode before 1.21), turn this off with
 * DATABASE_PREPARED_STATEMENTS=off.
 */
export class PreparingClient extends Client {}

const names = new Map<string, string>();
const plannedEachTime = new Set<string>();

/**
 * Marks a statement text to go unnamed, so PostgreSQL plans it for the values of each execution. For a
 * statement that joins a growing table to a parameter array (`… FROM unnest($1::uuid[]) …`): a prepared
 * statement's generic plan is fixed at its sixth run, when a new database's tables are still empty, and a
 * hash join over a sequential scan chosen then stays until autovacuum first analyses the table. Returns the
 * text, so that the statement is declared with it: `const SQL = planEachTime(`…`)`.
 */
export function planEachTime(text: string): string {
  plannedEachTime.add(text);
  return text;
}
const unnamedQuery = Client.prototype.query as unknown as QueryMethod;

(PreparingClient.prototype as unknown as { query: QueryMethod }).query = function (this: Client, config: unknown, values?: unknown, callback?: unknown) {
  if (typeof config === 'string' && Array.isArray(values) && values.length > 0) {
    const name = statementName(config);
    if (name) return unnamedQuery.call(this, { name, text: config, values }, undefined, callback);
  }
  return unnamedQuery.call(this, config, values, callback);
};

function statementName(text: string): string | undefined {
  const known = names.get(text);
  if (known || names.size >= MAX_PREPARED_STATEMENTS || plannedEachTime.has(text)) return known;
  const name = `os_${names.size}`;
  names.set(text, name);
  return name;
}

/** How many statement texts this process has named so far. */
export function preparedStatementTexts(): number {
  return names.size;
}
