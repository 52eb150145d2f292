import { createHash } from 'node:crypto';

/**
 * The `event_id` of a webhook event that a Kafka message gives rise to besides its own (notification-service
 * sends `order.updated` from an OrderCreated or OrderCancelled that carries the status change): a name-based,
 * version 5 style UUID of the message id and the event type. The same message always yields the same id,
 * so a redelivery maps to the same event and receivers can deduplicate on it; it is no message's id.
 */
export function derivedEventId(messageId: string, eventType: string): string {
  const hash = createHash('sha1').update(`${messageId}/${eventType}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
