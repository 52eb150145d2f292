import { Module } from '@nestjs/common';
import { TypedConfigModule } from '@order-saga/shared/config';
import { DatabaseModule } from '@order-saga/shared/database';
import { LoggingModule } from '@order-saga/shared/logging';
import { MessagingModule } from '@order-saga/shared/messaging';
import { NotificationServiceConfig } from './config/notification-service.config';
import { InitialSchema1763700000000 } from './database/migrations/1763700000000-initial-schema';
import { DeliverWebhooksHandler } from './deliveries/deliver-webhooks/deliver-webhooks.handler';
import { WebhookDeliveryRepository } from './deliveries/deliver-webhooks/webhook-delivery.repository';
import { WebhookDeliveryWorker } from './deliveries/deliver-webhooks/webhook-delivery.worker';
import { ListDeliveriesHttpController } from './deliveries/list-deliveries/list-deliveries.http.controller';
import { ScheduleDeliveriesConsumer } from './deliveries/schedule-deliveries/schedule-deliveries.consumer';
import { ScheduleDeliveriesHandler } from './deliveries/schedule-deliveries/schedule-deliveries.handler';
import { WebhookAttempt } from './deliveries/webhook-attempt.entity';
import { WebhookDelivery } from './deliveries/webhook-delivery.entity';
import { Clock } from './domain/clock';
import { GetWebhookEndpointHttpController } from './webhook-endpoints/get-webhook-endpoint/get-webhook-endpoint.http.controller';
import { RegisterWebhookEndpointHttpController } from './webhook-endpoints/register-webhook-endpoint/register-webhook-endpoint.http.controller';
import { WebhookEndpoint } from './webhook-endpoints/webhook-endpoint.entity';

export const SERVICE_NAME = 'notification-service';

@Module({
  imports: [
    TypedConfigModule.forRoot(NotificationServiceConfig),
    LoggingModule.forRoot(SERVICE_NAME),
    DatabaseModule.forRoot({ entities: [WebhookEndpoint, WebhookDelivery, WebhookAttempt], migrations: [InitialSchema1763700000000] }),
    MessagingModule.forRoot(SERVICE_NAME),
  ],
  controllers: [
    RegisterWebhookEndpointHttpController,
    GetWebhookEndpointHttpController,
    ListDeliveriesHttpController,
    ScheduleDeliveriesConsumer,
  ],
  providers: [Clock, ScheduleDeliveriesHandler, WebhookDeliveryRepository, DeliverWebhooksHandler, WebhookDeliveryWorker],
})
export class AppModule {}
