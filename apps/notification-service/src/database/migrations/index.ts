import { InitialSchema1763700000000 } from './1763700000000-initial-schema';
import { WebhookManagement1763900000000 } from './1763900000000-webhook-management';
import { MessagingRetention1764200000000 } from './1764200000000-messaging-retention';
import { DeadLetterOperations1764500000000 } from './1764500000000-dead-letter-operations';
import { WebhookOperations1764600000000 } from './1764600000000-webhook-operations';

/** In the order they run. */
export const NOTIFICATION_MIGRATIONS = [
  InitialSchema1763700000000,
  WebhookManagement1763900000000,
  MessagingRetention1764200000000,
  DeadLetterOperations1764500000000,
  WebhookOperations1764600000000,
];
