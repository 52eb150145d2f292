import { ApiProperty } from '@nestjs/swagger';
import { ORDER_STATUSES, type OrderStatus } from '../../order/order-lifecycle/order-status';
import { ApiClosedSchema } from '../api-closed-schema';
import { PaginationResponseDto } from '../common/pagination.response.dto';
import { ORDER_ID_PATTERN } from '../orders/order.response.dto';
import { SAGA_STATES, SagaTimelineEntryResponseDto, type SagaState } from '../orders/track-order.response.dto';
import { SAGA_STEPS, type SagaStep } from './list-sagas.request.dto';

/* The operator's view of a saga, as order-service builds it from saga_instance, customer_order, saga_step, outbox and inbox. */

@ApiClosedSchema('OperatorSaga', 'A saga as an operator lists it: where it is, what it waits on, why it failed')
export class OperatorSagaResponseDto {
  @ApiProperty({ pattern: ORDER_ID_PATTERN, example: 'ORD-12345678' })
  order_id: string;

  @ApiProperty({ format: 'uuid' })
  saga_id: string;

  @ApiProperty({ example: 'demo-client' })
  client_id: string;

  @ApiProperty({ example: 'CUST-001' })
  customer_id: string;

  @ApiProperty({ enum: SAGA_STATES, enumName: 'SagaState', example: 'PROCESSING_PAYMENT' })
  state: SagaState;

  @ApiProperty({ enum: SAGA_STEPS, enumName: 'SagaStep', nullable: true, description: 'The command the saga waits on the reply to; null once it ended' })
  step: SagaStep | null;

  @ApiProperty({ enum: ORDER_STATUSES, enumName: 'OrderStatus', example: 'pending' })
  order_status: OrderStatus;

  @ApiProperty({ type: String, nullable: true, description: 'Why the saga failed, e.g. payment_timeout, operator_cancelled', example: null })
  failure_reason: string | null;

  @ApiProperty({ type: String, nullable: true, description: "The order's error code once it failed, e.g. PAYMENT_TIMEOUT", example: null })
  failure_code: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the reply waited on is overdue; null once the saga ended' })
  step_deadline_at: string | null;

  @ApiProperty({ type: 'integer', minimum: 1, description: "How many times the current step's command was sent", example: 1 })
  step_attempts: number;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ format: 'date-time', description: 'The last change of the saga' })
  updated_at: string;
}

@ApiClosedSchema('OperatorSagaPage')
export class OperatorSagaPageResponseDto {
  @ApiProperty({ type: [OperatorSagaResponseDto] })
  data: OperatorSagaResponseDto[];

  @ApiProperty({ type: PaginationResponseDto })
  pagination: PaginationResponseDto;
}

@ApiClosedSchema('OperatorOutboxMessage', 'A Kafka message the saga wrote for this order (commands to participants, the order events)')
export class OperatorOutboxMessageResponseDto {
  @ApiProperty({ format: 'uuid' })
  message_id: string;

  @ApiProperty({ example: 'payment.command.process-payment.v1' })
  topic: string;

  @ApiProperty({ example: 'ProcessPayment' })
  message_type: string;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the relay published it to Kafka; null while it waits in the outbox' })
  published_at: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The message envelope as published (ids, trace context, payload)' })
  envelope: Record<string, unknown>;
}

@ApiClosedSchema('OperatorInboxMessage', "A participant's reply order-service consumed for this order (its inbox row)")
export class OperatorInboxMessageResponseDto {
  @ApiProperty({ format: 'uuid' })
  message_id: string;

  @ApiProperty({ description: 'The consumer that applied it', example: 'order.process-payment-reply' })
  consumer: string;

  @ApiProperty({ description: 'The reply, as the timeline names it', example: 'PaymentSucceeded' })
  message_type: string;

  @ApiProperty({ format: 'date-time' })
  received_at: string;
}

@ApiClosedSchema('OperatorSagaDetail', 'One saga with its timeline and the Kafka messages of its order')
export class OperatorSagaDetailResponseDto extends OperatorSagaResponseDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  reservation_id: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  payment_id: string | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'The order total in cents once the stock was reserved', example: 2500 })
  total_cents: number | null;

  @ApiProperty({ type: [SagaTimelineEntryResponseDto], description: "Every step, oldest first; operator entries carry the operator's id and reason" })
  timeline: SagaTimelineEntryResponseDto[];

  @ApiProperty({
    type: [OperatorOutboxMessageResponseDto],
    description: 'Messages written for the order, oldest first (kept for MESSAGING_RETENTION_MS after publication)',
  })
  outbox: OperatorOutboxMessageResponseDto[];

  @ApiProperty({ type: [OperatorInboxMessageResponseDto], description: 'Replies consumed for the order, oldest first (kept for MESSAGING_RETENTION_MS)' })
  inbox: OperatorInboxMessageResponseDto[];
}
