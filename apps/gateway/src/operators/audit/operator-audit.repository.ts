import { Injectable } from '@nestjs/common';
import type { ErrorCode } from '@order-saga/contracts/http';
import type { OperatorAction, OperatorAuditEntryResponseDto, OperatorAuditPageResponseDto } from '@order-saga/contracts/http/operator';
import { DomainError } from '@order-saga/shared/http';
import { DataSource } from 'typeorm';

export interface OperatorAuditEntry {
  occurredAt: Date;
  operator: string | null;
  action: OperatorAction;
  target: string | null;
  status: number;
  errorCode: string | null;
  requestId: string;
  address: string | null;
}

export interface AuditLogFilter {
  operator?: string;
  target?: string;
  action?: OperatorAction;
}

interface AuditRow {
  entry_id: string;
  occurred_at: Date;
  operator_username: string | null;
  action: OperatorAction;
  target: string | null;
  status: number;
  error_code: ErrorCode | null;
  request_id: string;
  remote_address: string | null;
}

/** The operator audit log: one row per state-changing operator request, written once, never changed. */
@Injectable()
export class OperatorAuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  async record(entry: OperatorAuditEntry): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO operator_audit_log (occurred_at, operator_username, action, target, status, error_code, request_id, remote_address)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [entry.occurredAt, entry.operator, entry.action, entry.target, entry.status, entry.errorCode, entry.requestId, entry.address],
    );
  }

  /**
   * Newest first, keyset-paged on the entry id (an identity: it grows with every insert), so an operator paging
   * back while new entries arrive sees each older entry once. Only the filters given are in the SQL, so each
   * query can use its index.
   */
  async findPage(filter: AuditLogFilter, limit: number, cursor?: string): Promise<OperatorAuditPageResponseDto> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const where = (sql: string, value: unknown) => {
      params.push(value);
      conditions.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.operator !== undefined) where('operator_username = ?', filter.operator);
    if (filter.target !== undefined) where('target = ?', filter.target);
    if (filter.action !== undefined) where('action = ?', filter.action);
    if (cursor !== undefined) where('entry_id < ?', decodeCursor(cursor));
    params.push(limit + 1);
    const rows: AuditRow[] = await this.dataSource.query(
      `SELECT entry_id::text, occurred_at, operator_username, action, target, status, error_code, request_id, remote_address
         FROM operator_audit_log
        ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY entry_id DESC
        LIMIT $${params.length}`,
      params,
    );
    const hasMore = rows.length > limit;
    const shown = rows.slice(0, limit);
    return {
      data: shown.map(present),
      pagination: { limit, has_more: hasMore, next_cursor: hasMore ? encodeCursor(shown[shown.length - 1].entry_id) : null },
    };
  }
}

function present(row: AuditRow): OperatorAuditEntryResponseDto {
  return {
    entry_id: row.entry_id,
    occurred_at: row.occurred_at.toISOString(),
    operator: row.operator_username,
    action: row.action,
    target: row.target,
    status: row.status,
    error_code: row.error_code,
    request_id: row.request_id,
    address: row.remote_address,
  };
}

/** Opaque to clients; base64url of the last entry id shown. */
function encodeCursor(entryId: string): string {
  return Buffer.from(entryId).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const entryId = Buffer.from(cursor, 'base64url').toString('utf8');
  if (/^[1-9]\d{0,18}$/.test(entryId)) return entryId;
  throw new DomainError('VALIDATION_ERROR', 'Request validation failed', [{ field: 'cursor', error: 'Must be a next_cursor value returned by this endpoint' }]);
}
