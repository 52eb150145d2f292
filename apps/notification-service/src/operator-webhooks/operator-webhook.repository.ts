import { Injectable } from '@nestjs/common';
import type { WebhookEventType, WebhookTestEventType } from '@order-saga/contracts';
import type { WebhookDeliveryStatus } from '@order-saga/contracts/http';
import type { OperatorWebhookEventType } from '@order-saga/contracts/http/operator';
import { decodeCursor, DomainError, PagePosition, positionSql } from '@order-saga/shared/http';
import { isUUID } from 'class-validator';
import { DataSource, EntityManager, In } from 'typeorm';
import { WebhookAttempt } from '../deliveries/webhook-attempt.entity';
import type { DeliveryFailureReason } from '../deliveries/webhook-delivery.entity';
import { WebhookEndpoint } from '../webhook-endpoints/webhook-endpoint.entity';

export interface EndpointFilters {
  clientId?: string;
  enabled?: boolean;
}

export interface DeliveryFilters {
  status?: WebhookDeliveryStatus;
  clientId?: string;
  endpointId?: string;
  eventId?: string;
  eventType?: OperatorWebhookEventType;
  orderId?: string;
  since?: Date;
}

/** A delivery as operators list it: the row, whose endpoint and where it goes, and its attempts. */
export interface OperatorDeliveryRow {
  delivery_id: string;
  endpoint_id: string;
  client_id: string;
  url: string;
  event_id: string;
  event_type: WebhookEventType | WebhookTestEventType;
  order_id: string | null;
  status: WebhookDeliveryStatus;
  failure_reason: DeliveryFailureReason | null;
  attempt_count: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  created_at: Date;
  position: string;
  attempts: WebhookAttempt[];
}

const DELIVERY_COLUMNS = `d.delivery_id, d.endpoint_id, e.client_id, e.url, d.event_id, d.event_type, d.order_id, d.status, d.failure_reason,
       d.attempt_count, d.next_attempt_at, d.last_attempt_at, d.created_at, ${positionSql('d.created_at')} AS position`;

/**
 * Operators' reads across every client's webhook endpoints and deliveries (operator-webhooks/), and the locks
 * their actions take on an endpoint. Writes to webhook_delivery stay in WebhookDeliveryRepository. Both lists
 * are keyset-paginated: endpoints oldest first on (created_at, endpoint_id), deliveries newest first on
 * (created_at, delivery_id), which webhook_endpoint_listing_idx and webhook_delivery_listing_idx serve.
 */
@Injectable()
export class OperatorWebhookRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Live endpoints (not deleted), `limit + 1` of them, each with its page position. */
  async findEndpointPage(filters: EndpointFilters, limit: number, cursor?: string): Promise<{ endpoint: WebhookEndpoint; position: string }[]> {
    const query = this.dataSource
      .getRepository(WebhookEndpoint)
      .createQueryBuilder('e')
      .addSelect(positionSql('e.created_at'), 'position')
      .where('e.deleted_at IS NULL');
    if (filters.clientId) query.andWhere('e.client_id = :clientId', { clientId: filters.clientId });
    if (filters.enabled !== undefined) query.andWhere('e.enabled = :enabled', { enabled: filters.enabled });
    if (cursor) {
      const position = positionOf(cursor);
      query.andWhere('(e.created_at, e.endpoint_id) > (CAST(:createdAt AS timestamptz), CAST(:endpointId AS uuid))', {
        createdAt: position.createdAt,
        endpointId: position.id,
      });
    }
    const { entities, raw } = await query
      .orderBy('e.created_at', 'ASC')
      .addOrderBy('e.endpoint_id', 'ASC')
      .limit(limit + 1)
      .getRawAndEntities<{ position: string }>();
    return entities.map((endpoint, index) => ({ endpoint, position: raw[index].position }));
  }

  /** Deliveries with their attempts, newest first, `limit + 1` of them. */
  async findDeliveryPage(filters: DeliveryFilters, limit: number, cursor?: string): Promise<OperatorDeliveryRow[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where: string[] = [];
    if (filters.status) where.push(`d.status = ${param(filters.status)}`);
    if (filters.clientId) where.push(`e.client_id = ${param(filters.clientId)}`);
    if (filters.endpointId) where.push(`d.endpoint_id = ${param(filters.endpointId)}`);
    if (filters.eventId) where.push(`d.event_id = ${param(filters.eventId)}`);
    if (filters.eventType) where.push(`d.event_type = ${param(filters.eventType)}`);
    if (filters.orderId) where.push(`d.order_id = ${param(filters.orderId)}`);
    if (filters.since) where.push(`d.created_at >= ${param(filters.since)}`);
    if (cursor) {
      const position = positionOf(cursor);
      where.push(`(d.created_at, d.delivery_id) < (${param(position.createdAt)}::timestamptz, ${param(position.id)}::uuid)`);
    }
    const rows: Omit<OperatorDeliveryRow, 'attempts'>[] = await this.dataSource.query(
      `SELECT ${DELIVERY_COLUMNS}
         FROM webhook_delivery d JOIN webhook_endpoint e USING (endpoint_id)
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY d.created_at DESC, d.delivery_id DESC
        LIMIT ${param(limit + 1)}`,
      params,
    );
    return this.withAttempts(rows);
  }

  async findDelivery(deliveryId: string): Promise<OperatorDeliveryRow | undefined> {
    if (!isUUID(deliveryId)) return undefined;
    const rows: Omit<OperatorDeliveryRow, 'attempts'>[] = await this.dataSource.query(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_delivery d JOIN webhook_endpoint e USING (endpoint_id) WHERE d.delivery_id = $1`,
      [deliveryId],
    );
    return (await this.withAttempts(rows))[0];
  }

  /**
   * The endpoint of a delivery, locked for `manager`'s transaction as the client's own actions lock it (so a
   * delete or disable waits for the action, or the action sees it); undefined when the delivery does not exist.
   */
  async lockEndpointOfDelivery(manager: EntityManager, deliveryId: string): Promise<WebhookEndpoint | undefined> {
    if (!isUUID(deliveryId)) return undefined;
    const [row]: { endpoint_id: string }[] = await manager.query(`SELECT endpoint_id FROM webhook_delivery WHERE delivery_id = $1`, [deliveryId]);
    return row ? this.lockEndpoint(manager, row.endpoint_id, true) : undefined;
  }

  /** An endpoint of any client, locked for `manager`'s transaction; a deleted one only when asked for. */
  async lockEndpoint(manager: EntityManager, endpointId: string, includeDeleted = false): Promise<WebhookEndpoint | undefined> {
    if (!isUUID(endpointId)) return undefined;
    const endpoint = await manager.getRepository(WebhookEndpoint).findOne({ where: { endpointId }, lock: { mode: 'pessimistic_write' } });
    return endpoint && (includeDeleted || endpoint.deletedAt === null) ? endpoint : undefined;
  }

  private async withAttempts(rows: Omit<OperatorDeliveryRow, 'attempts'>[]): Promise<OperatorDeliveryRow[]> {
    if (rows.length === 0) return [];
    const attempts = await this.dataSource
      .getRepository(WebhookAttempt)
      .find({ where: { deliveryId: In(rows.map((row) => row.delivery_id)) }, order: { attemptNumber: 'ASC' } });
    return rows.map((row) => ({ ...row, attempts: attempts.filter((attempt) => attempt.deliveryId === row.delivery_id) }));
  }
}

function positionOf(cursor: string): PagePosition {
  const position = decodeCursor(cursor);
  if (!isUUID(position.id)) {
    throw new DomainError('VALIDATION_ERROR', 'Request validation failed', [
      { field: 'cursor', error: 'Must be a next_cursor value returned by this endpoint' },
    ]);
  }
  return position;
}
