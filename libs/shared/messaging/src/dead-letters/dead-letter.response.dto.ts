import { deadLetterTopicOf } from '@order-saga/contracts';
import type { DeadLetterResponseDto } from '@order-saga/contracts/http/operator';
import { readDeadLetterMessage } from './dead-letter-message';
import type { DeadLetterRow } from './dead-letter.repository';

/* The operator contract's dead letter (libs/contracts/src/http/operator). */

export function toDeadLetterResponse(row: DeadLetterRow): DeadLetterResponseDto {
  const message = readDeadLetterMessage(row.message_key, row.value);
  return {
    id: row.id,
    consumer: row.consumer,
    topic: row.topic,
    partition: row.partition,
    offset: row.offset,
    dead_letter_topic: deadLetterTopicOf(row.consumer),
    key: message.key,
    message_id: message.messageId,
    message_type: message.messageType,
    error: row.error,
    headers: row.headers,
    payload: message.payload,
    raw_value: message.rawValue,
    redrivable: row.status === 'parked' && message.redrive !== null,
    not_redrivable_reason: row.status === 'parked' ? message.notRedrivableReason : `it was already ${row.status}`,
    status: row.status,
    dead_lettered_at: row.created_at.toISOString(),
    settled_at: row.settled_at?.toISOString() ?? null,
    settled_by: row.settled_by,
    settled_reason: row.settled_reason,
    settled_action_id: row.settled_action_id,
  };
}
