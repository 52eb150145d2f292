import { ListAuditLogHttpController } from './audit/list-audit-log/list-audit-log.http.controller';
import { DeadLetterDepthHttpController } from './dead-letters/dead-letter-depth/dead-letter-depth.http.controller';
import { GetDeadLetterHttpController } from './dead-letters/get-dead-letter/get-dead-letter.http.controller';
import { ListDeadLettersHttpController } from './dead-letters/list-dead-letters/list-dead-letters.http.controller';
import { OperateDeadLettersHttpController } from './dead-letters/operate-dead-letters/operate-dead-letters.http.controller';
import { GetSagaHttpController } from './sagas/get-saga/get-saga.http.controller';
import { ListSagasHttpController } from './sagas/list-sagas/list-sagas.http.controller';
import { OperateSagaHttpController } from './sagas/operate-saga/operate-saga.http.controller';
import { SagaFiguresHttpController } from './sagas/saga-figures/saga-figures.http.controller';
import { GetSessionHttpController } from './sessions/get-session/get-session.http.controller';
import { SignInHttpController } from './sessions/sign-in/sign-in.http.controller';
import { SignOutHttpController } from './sessions/sign-out/sign-out.http.controller';
import { GetOperatorWebhookDeliveryHttpController } from './webhooks/get-webhook-delivery/get-operator-webhook-delivery.http.controller';
import { ListOperatorWebhookDeliveriesHttpController } from './webhooks/list-webhook-deliveries/list-operator-webhook-deliveries.http.controller';
import { ListOperatorWebhookEndpointsHttpController } from './webhooks/list-webhook-endpoints/list-operator-webhook-endpoints.http.controller';
import { ResendWebhookDeliveriesHttpController } from './webhooks/resend-webhook-deliveries/resend-webhook-deliveries.http.controller';
import { SendTestEventHttpController } from './webhooks/send-test-event/send-test-event.http.controller';
import { WebhookFiguresHttpController } from './webhooks/webhook-figures/webhook-figures.http.controller';

/**
 * The operator API below /api/v1/operator: sessions, the sagas and their figures (relayed to order-service), every Kafka service's
 * dead letters and their depth, every client's webhooks and their figures (relayed to notification-service), the audit log.
 */
export const OPERATOR_CONTROLLERS = [
  SignInHttpController,
  GetSessionHttpController,
  SignOutHttpController,
  ListSagasHttpController,
  // Before GetSagaHttpController: /sagas/figures would otherwise be /sagas/{orderId}.
  SagaFiguresHttpController,
  GetSagaHttpController,
  OperateSagaHttpController,
  ListDeadLettersHttpController,
  // Before GetDeadLetterHttpController: /dead-letters/{service}/depth would otherwise be a dead letter's id.
  DeadLetterDepthHttpController,
  GetDeadLetterHttpController,
  OperateDeadLettersHttpController,
  ListOperatorWebhookEndpointsHttpController,
  SendTestEventHttpController,
  ListOperatorWebhookDeliveriesHttpController,
  // Before GetOperatorWebhookDeliveryHttpController: /webhook-deliveries/figures would otherwise be a delivery id.
  WebhookFiguresHttpController,
  GetOperatorWebhookDeliveryHttpController,
  ResendWebhookDeliveriesHttpController,
  ListAuditLogHttpController,
];
