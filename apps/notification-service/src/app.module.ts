import { Module } from '@nestjs/common';
import { TypedConfigModule } from '@order-saga/shared/config';
import { DatabaseModule } from '@order-saga/shared/database';
import { LoggingModule } from '@order-saga/shared/logging';
import { ObservabilityModule } from '@order-saga/shared/observability';
import { DeadLettersModule, MessagingModule } from '@order-saga/shared/messaging';
import { NotificationMessagingConfig } from './config/notification-messaging.config';
import { NotificationServiceConfig } from './config/notification-service.config';
import { NOTIFICATION_MIGRATIONS } from './database/migrations';
import { DeliverWebhooksHandler } from './deliveries/deliver-webhooks/deliver-webhooks.handler';
import { WebhookDeliveryWorker } from './deliveries/deliver-webhooks/webhook-delivery.worker';
import { WebhookSender } from './deliveries/deliver-webhooks/webhook-sender';
import { EndpointDeliveriesHttpController } from './deliveries/endpoint-deliveries/endpoint-deliveries.http.controller';
import { ListDeliveriesHttpController } from './deliveries/list-deliveries/list-deliveries.http.controller';
import { RedeliverFailedHandler } from './deliveries/redeliver-failed/redeliver-failed.handler';
import { RedeliverFailedHttpController } from './deliveries/redeliver-failed/redeliver-failed.http.controller';
import { WebhookDeliveryRetention } from './deliveries/retention/webhook-delivery-retention';
import { RetryDeliveryHandler } from './deliveries/retry-delivery/retry-delivery.handler';
import { RetryDeliveryHttpController } from './deliveries/retry-delivery/retry-delivery.http.controller';
import { ScheduleDeliveriesConsumer } from './deliveries/schedule-deliveries/schedule-deliveries.consumer';
import { ScheduleDeliveriesHandler } from './deliveries/schedule-deliveries/schedule-deliveries.handler';
import { WebhookAttempt } from './deliveries/webhook-attempt.entity';
import { WebhookDeliveryMetrics } from './deliveries/webhook-delivery.metrics';
import { WebhookDelivery } from './deliveries/webhook-delivery.entity';
import { WebhookDeliveryRepository } from './deliveries/webhook-delivery.repository';
import { Clock } from './domain/clock';
import { NetworkPolicy } from './domain/network-policy';
import { ListOperatorWebhookDeliveriesHttpController } from './operator-webhooks/list-deliveries/list-operator-webhook-deliveries.http.controller';
import { ListOperatorWebhookEndpointsHttpController } from './operator-webhooks/list-endpoints/list-operator-webhook-endpoints.http.controller';
import { OperatorWebhookRepository } from './operator-webhooks/operator-webhook.repository';
import { ResendWebhookDeliveriesHandler } from './operator-webhooks/resend-deliveries/resend-webhook-deliveries.handler';
import { ResendWebhookDeliveriesHttpController } from './operator-webhooks/resend-deliveries/resend-webhook-deliveries.http.controller';
import { SendTestEventHandler } from './operator-webhooks/send-test-event/send-test-event.handler';
import { SendTestEventHttpController } from './operator-webhooks/send-test-event/send-test-event.http.controller';
import { WebhookFiguresHttpController } from './operator-webhooks/webhook-figures/webhook-figures.http.controller';
import { WebhookFiguresRepository } from './operator-webhooks/webhook-figures/webhook-figures.repository';
import { DeleteWebhookEndpointHandler } from './webhook-endpoints/delete-webhook-endpoint/delete-webhook-endpoint.handler';
import { DeleteWebhookEndpointHttpController } from './webhook-endpoints/delete-webhook-endpoint/delete-webhook-endpoint.http.controller';
import { GetWebhookEndpointHttpController } from './webhook-endpoints/get-webhook-endpoint/get-webhook-endpoint.http.controller';
import { ListWebhookEndpointsHttpController } from './webhook-endpoints/list-webhook-endpoints/list-webhook-endpoints.http.controller';
import { RegisterWebhookEndpointHandler } from './webhook-endpoints/register-webhook-endpoint/register-webhook-endpoint.handler';
import { RegisterWebhookEndpointHttpController } from './webhook-endpoints/register-webhook-endpoint/register-webhook-endpoint.http.controller';
import { RotateWebhookSecretHandler } from './webhook-endpoints/rotate-webhook-secret/rotate-webhook-secret.handler';
import { RotateWebhookSecretHttpController } from './webhook-endpoints/rotate-webhook-secret/rotate-webhook-secret.http.controller';
import { UpdateWebhookEndpointHandler } from './webhook-endpoints/update-webhook-endpoint/update-webhook-endpoint.handler';
import { UpdateWebhookEndpointHttpController } from './webhook-endpoints/update-webhook-endpoint/update-webhook-endpoint.http.controller';
import { WebhookEndpoint } from './webhook-endpoints/webhook-endpoint.entity';
import { WebhookEndpointRepository } from './webhook-endpoints/webhook-endpoint.repository';
import { WebhookUrlValidator } from './webhook-endpoints/webhook-url.validator';

export const SERVICE_NAME = 'notification-service';

@Module({
  imports: [
    TypedConfigModule.forRoot(NotificationServiceConfig),
    LoggingModule.forRoot(SERVICE_NAME),
    ObservabilityModule.forRoot(SERVICE_NAME),
    DatabaseModule.forRoot({ entities: [WebhookEndpoint, WebhookDelivery, WebhookAttempt], migrations: NOTIFICATION_MIGRATIONS }),
    MessagingModule.forRoot(SERVICE_NAME, NotificationMessagingConfig),
    DeadLettersModule,
  ],
  controllers: [
    RegisterWebhookEndpointHttpController,
    ListWebhookEndpointsHttpController,
    GetWebhookEndpointHttpController,
    UpdateWebhookEndpointHttpController,
    DeleteWebhookEndpointHttpController,
    RotateWebhookSecretHttpController,
    EndpointDeliveriesHttpController,
    RetryDeliveryHttpController,
    RedeliverFailedHttpController,
    ListDeliveriesHttpController,
    ListOperatorWebhookEndpointsHttpController,
    // Before ListOperatorWebhookDeliveriesHttpController: /operator/webhook-deliveries/figures would otherwise be a delivery id.
    WebhookFiguresHttpController,
    ListOperatorWebhookDeliveriesHttpController,
    ResendWebhookDeliveriesHttpController,
    SendTestEventHttpController,
    ScheduleDeliveriesConsumer,
  ],
  providers: [
    Clock,
    { provide: NetworkPolicy, inject: [NotificationServiceConfig], useFactory: (config: NotificationServiceConfig) => new NetworkPolicy(config.networkPolicy) },
    WebhookEndpointRepository,
    WebhookUrlValidator,
    RegisterWebhookEndpointHandler,
    UpdateWebhookEndpointHandler,
    DeleteWebhookEndpointHandler,
    RotateWebhookSecretHandler,
    RetryDeliveryHandler,
    RedeliverFailedHandler,
    ScheduleDeliveriesHandler,
    WebhookDeliveryRepository,
    WebhookDeliveryMetrics,
    WebhookSender,
    DeliverWebhooksHandler,
    WebhookDeliveryWorker,
    WebhookDeliveryRetention,
    OperatorWebhookRepository,
    WebhookFiguresRepository,
    ResendWebhookDeliveriesHandler,
    SendTestEventHandler,
  ],
})
export class AppModule {}
