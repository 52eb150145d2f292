import { Injectable } from '@nestjs/common';
import { DomainError } from '@order-saga/shared/http';
import { isUUID } from 'class-validator';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { WebhookEndpoint } from './webhook-endpoint.entity';

/** Most endpoints one client may list at once; registering more is allowed, listing pages is not needed yet. */
const MAX_ENDPOINTS = 100;

@Injectable()
export class WebhookEndpointRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The client's live endpoint, or NOT_FOUND: another client's endpoint, a deleted one and a malformed id
   * all read the same, so ids cannot be probed across clients.
   */
  async findOwned(clientId: string, endpointId: string, manager: EntityManager = this.dataSource.manager): Promise<WebhookEndpoint> {
    // Without the uuid check Postgres would reject the cast and the caller would see a 500.
    const endpoint = isUUID(endpointId)
      ? await manager.getRepository(WebhookEndpoint).findOne({
          where: { endpointId, clientId, deletedAt: IsNull() },
          lock: manager.queryRunner?.isTransactionActive ? { mode: 'pessimistic_write' } : undefined,
        })
      : null;
    if (!endpoint) throw new DomainError('NOT_FOUND', `Webhook endpoint ${endpointId} does not exist`);
    return endpoint;
  }

  async listOwned(clientId: string): Promise<WebhookEndpoint[]> {
    return this.dataSource.getRepository(WebhookEndpoint).find({
      where: { clientId, deletedAt: IsNull() },
      order: { createdAt: 'ASC', endpointId: 'ASC' },
      take: MAX_ENDPOINTS,
    });
  }

  async save(endpoint: WebhookEndpoint, manager: EntityManager = this.dataSource.manager): Promise<WebhookEndpoint> {
    return manager.getRepository(WebhookEndpoint).save(endpoint);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
