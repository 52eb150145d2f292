import { DeleteWebhookHttpController } from './delete-webhook/delete-webhook.http.controller';
import { GetWebhookHttpController } from './get-webhook/get-webhook.http.controller';
import { ListWebhooksHttpController } from './list-webhooks/list-webhooks.http.controller';
import { RedeliverFailedWebhooksHttpController } from './redeliver-failed-webhooks/redeliver-failed-webhooks.http.controller';
import { RegisterWebhookHttpController } from './register-webhook/register-webhook.http.controller';
import { RetryWebhookDeliveryHttpController } from './retry-webhook-delivery/retry-webhook-delivery.http.controller';
import { RotateWebhookSecretHttpController } from './rotate-webhook-secret/rotate-webhook-secret.http.controller';
import { UpdateWebhookHttpController } from './update-webhook/update-webhook.http.controller';
import { WebhookDeliveriesHttpController } from './webhook-deliveries/webhook-deliveries.http.controller';

/** The public /api/v1/webhooks surface, relayed to notification-service with the caller's client id. */
export const WEBHOOK_CONTROLLERS = [
  RegisterWebhookHttpController,
  ListWebhooksHttpController,
  GetWebhookHttpController,
  UpdateWebhookHttpController,
  DeleteWebhookHttpController,
  RotateWebhookSecretHttpController,
  WebhookDeliveriesHttpController,
  RetryWebhookDeliveryHttpController,
  RedeliverFailedWebhooksHttpController,
];
