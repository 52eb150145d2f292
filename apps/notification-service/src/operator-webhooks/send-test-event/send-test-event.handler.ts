import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { WEBHOOK_TEST_EVENT_TYPE, WebhookTestEvent } from '@order-saga/contracts';
import type { OperatorActionRequestDto, WebhookActionResponseDto } from '@order-saga/contracts/http/operator';
import { OperatorActionResult, takeOperatorAction } from '@order-saga/shared/operator';
import { DomainError } from '@order-saga/shared/http';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { WebhookDeliveryRepository } from '../../deliveries/webhook-delivery.repository';
import { Clock } from '../../domain/clock';
import { refuseUnsendable } from '../../domain/sendable-endpoint';
import { OperatorWebhookRepository } from '../operator-webhook.repository';
import { toWebhookActionResponse } from '../operator-webhook.response.dto';

/**
 * An operator's test event to one endpoint of any client: a `webhook.test` delivery queued like the order
 * events' (signed with the endpoint's secrets, leased, its attempt recorded), sent once (scheduleOf). The
 * answer names the delivery; its attempt is read on it (GET /operator/webhook-deliveries/{id}).
 */
@Injectable()
export class SendTestEventHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly webhooks: OperatorWebhookRepository,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly clock: Clock,
    @InjectPinoLogger(SendTestEventHandler.name) private readonly logger: PinoLogger,
  ) {}

  async send(endpointId: string, request: OperatorActionRequestDto, operatorId: string): Promise<OperatorActionResult<WebhookActionResponseDto>> {
    const now = this.clock.now();
    const action = {
      actionId: request.action_id,
      action: 'webhook.send-test-event',
      target: `webhook endpoint ${endpointId}`,
      operatorId,
      reason: request.reason,
    };
    const result = await takeOperatorAction(this.dataSource, action, async (manager) => {
      const endpoint = await this.webhooks.lockEndpoint(manager, endpointId);
      if (!endpoint) throw new DomainError('NOT_FOUND', `Webhook endpoint ${endpointId} does not exist`);
      refuseUnsendable(endpoint);
      const event: WebhookTestEvent = {
        event_id: randomUUID(),
        event_type: WEBHOOK_TEST_EVENT_TYPE,
        timestamp: now.toISOString(),
        data: { object_type: 'webhook_endpoint', object_id: endpointId, message: 'A test event sent by an operator of order-saga; no order is concerned.' },
      };
      const deliveryId = await this.deliveries.queueTestEvent(manager, { endpointId, eventId: event.event_id, body: JSON.stringify(event) }, now);
      return toWebhookActionResponse('send-test-event', request, operatorId, { endpointId, clientId: endpoint.clientId, since: null }, [deliveryId], now);
    });
    const { answer, replayed } = result;
    this.logger.info(
      { action: answer.action, action_id: answer.action_id, operator_id: operatorId, endpoint_id: endpointId, delivery_id: answer.delivery_ids[0], replayed },
      replayed ? 'webhook action repeated; answered the first answer' : 'test webhook queued by an operator',
    );
    return result;
  }
}
