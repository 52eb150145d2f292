/**
 * The services whose dead letters operators reach through the gateway (every Kafka service keeps its own), by
 * the name in the gateway's path /api/v1/operator/dead-letters/{service}: the service's own name, as in its
 * logs, metrics and deployment.
 */
export const DEAD_LETTER_SERVICES = ['order-service', 'inventory-service', 'payment-service', 'notification-service'] as const;
export type DeadLetterService = (typeof DEAD_LETTER_SERVICES)[number];

export function isDeadLetterService(value: unknown): value is DeadLetterService {
  return (DEAD_LETTER_SERVICES as readonly unknown[]).includes(value);
}
