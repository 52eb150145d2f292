import type { PaginationResponseDto } from '@order-saga/contracts/http';
import { DomainError } from './domain-error';

/** The position after the last row of a page: its sort timestamp (microseconds, as Postgres keeps it) and id. */
export interface PagePosition {
  /** ISO 8601 with microseconds, from Postgres: a JS Date would drop them and skip or repeat rows that share a millisecond. */
  createdAt: string;
  id: string;
}

/** A list answer: OrderPageResponseDto, CustomerPageResponseDto in the public contract. */
export interface Page<T> {
  data: T[];
  pagination: PaginationResponseDto;
}

/** Clients must treat cursors as opaque, so the encoding may change; base64url JSON keeps it readable to us. */
export function encodeCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify({ t: position.createdAt, k: position.id })).toString('base64url');
}

export function decodeCursor(cursor: string): PagePosition {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t?: unknown; k?: unknown };
    if (typeof value.t === 'string' && !Number.isNaN(Date.parse(value.t)) && typeof value.k === 'string' && value.k.length > 0) {
      return { createdAt: value.t, id: value.k };
    }
  } catch {
    // Falls through to the validation error: a cursor we did not issue is the client's mistake.
  }
  throw new DomainError('VALIDATION_ERROR', 'Request validation failed', [{ field: 'cursor', error: 'Must be a next_cursor value returned by this endpoint' }]);
}

/** SQL for a row's keyset position, in UTC with microseconds. */
export function positionSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** Builds a page from `limit + 1` fetched rows: the extra row only says that there is more. */
export function pageOf<Row, T>(rows: Row[], limit: number, positionOf: (row: Row) => PagePosition, present: (row: Row) => T): Page<T> {
  const hasMore = rows.length > limit;
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    data: shown.map(present),
    pagination: { limit, has_more: hasMore, next_cursor: hasMore && last ? encodeCursor(positionOf(last)) : null },
  };
}

/** Escapes LIKE's wildcards so that client text matches literally. */
export function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
