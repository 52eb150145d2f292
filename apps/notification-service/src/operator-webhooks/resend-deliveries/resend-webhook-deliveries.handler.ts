import { Injectable } from '@nestjs/common';
import type { OperatorActionRequestDto, ResendFailedWebhooksRequestDto, WebhookActionResponseDto } from '@order-saga/contracts/http/operator';
import { OperatorActionResult, takeOperatorAction } from '@order-saga/shared/operator';
import { DomainError } from '@order-saga/shared/http';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { MAX_REDELIVERIES } from '../../deliveries/redeliver-failed/redeliver-failed.handler';
import { FailedDeliveriesScope, WebhookDeliveryRepository } from '../../deliveries/webhook-delivery.repository';
import { Clock } from '../../domain/clock';
import { refuseUnsendable } from '../../domain/sendable-endpoint';
import { OperatorWebhookRepository } from '../operator-webhook.repository';
import { toWebhookActionResponse } from '../operator-webhook.response.dto';

/**
 * Operators' resends, across clients: one delivery, or the failed deliveries since a time of one endpoint or
 * of one client. Each puts deliveries back in line through WebhookDeliveryRepository, as the clients' own
 * retry and redeliver-failed do, so the worker makes the new attempt (signed anew, same event id and body,
 * recorded on the delivery). Idempotent by action id (takeOperatorAction): a repeat queues nothing more.
 */
@Injectable()
export class ResendWebhookDeliveriesHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly webhooks: OperatorWebhookRepository,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly clock: Clock,
    @InjectPinoLogger(ResendWebhookDeliveriesHandler.name) private readonly logger: PinoLogger,
  ) {}

  async resend(deliveryId: string, request: OperatorActionRequestDto, operatorId: string): Promise<OperatorActionResult<WebhookActionResponseDto>> {
    const now = this.clock.now();
    const action = { actionId: request.action_id, action: 'webhook.resend', target: `webhook delivery ${deliveryId}`, operatorId, reason: request.reason };
    const result = await takeOperatorAction(this.dataSource, action, async (manager) => {
      const endpoint = await this.webhooks.lockEndpointOfDelivery(manager, deliveryId);
      if (!endpoint) throw new DomainError('NOT_FOUND', `Webhook delivery ${deliveryId} does not exist`);
      refuseUnsendable(endpoint);
      const queued = await this.deliveries.requeue(manager, endpoint.endpointId, deliveryId, now);
      if (queued === 'being sent')
        throw new DomainError('CONFLICT', `Webhook delivery ${deliveryId} is being sent right now; try again when its attempt is recorded`);
      return toWebhookActionResponse(
        'resend',
        request,
        operatorId,
        { endpointId: endpoint.endpointId, clientId: endpoint.clientId, since: null },
        [deliveryId],
        now,
      );
    });
    this.logAction(result);
    return result;
  }

  async resendFailed(request: ResendFailedWebhooksRequestDto, operatorId: string): Promise<OperatorActionResult<WebhookActionResponseDto>> {
    const now = this.clock.now();
    const since = new Date(request.since);
    if ((request.endpoint_id === undefined) === (request.client_id === undefined)) {
      throw new DomainError('VALIDATION_ERROR', 'Request validation failed', [
        { field: 'endpoint_id', error: 'Give exactly one of endpoint_id and client_id' },
      ]);
    }
    if (since > now) throw new DomainError('VALIDATION_ERROR', 'Request validation failed', [{ field: 'since', error: 'since must not be in the future' }]);
    const scopeName = request.endpoint_id ? `endpoint ${request.endpoint_id}` : `client ${request.client_id}`;
    const action = {
      actionId: request.action_id,
      action: 'webhook.resend-failed',
      target: `failed webhook deliveries of ${scopeName} since ${since.toISOString()}`,
      operatorId,
      reason: request.reason,
    };
    const result = await takeOperatorAction(this.dataSource, action, async (manager) => {
      let scope: FailedDeliveriesScope;
      let clientId: string;
      if (request.endpoint_id) {
        const endpoint = await this.webhooks.lockEndpoint(manager, request.endpoint_id);
        if (!endpoint) throw new DomainError('NOT_FOUND', `Webhook endpoint ${request.endpoint_id} does not exist`);
        refuseUnsendable(endpoint);
        scope = { endpointId: endpoint.endpointId };
        clientId = endpoint.clientId;
      } else {
        clientId = request.client_id as string;
        scope = { clientId };
      }
      const queued = await this.deliveries.requeueFailed(manager, scope, since, now, MAX_REDELIVERIES);
      return toWebhookActionResponse(
        'resend-failed',
        request,
        operatorId,
        { endpointId: request.endpoint_id ?? null, clientId, since: since.toISOString() },
        queued,
        now,
      );
    });
    this.logAction(result);
    return result;
  }

  private logAction({ answer, replayed }: OperatorActionResult<WebhookActionResponseDto>): void {
    this.logger.info(
      {
        action: answer.action,
        action_id: answer.action_id,
        operator_id: answer.operator_id,
        endpoint_id: answer.endpoint_id,
        client_id: answer.client_id,
        queued: answer.delivery_ids.length,
        replayed,
      },
      replayed ? 'webhook action repeated; answered the first answer' : `webhook deliveries queued again by an operator (${answer.action})`,
    );
  }
}
