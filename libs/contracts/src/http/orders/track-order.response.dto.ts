import { ApiProperty } from '@nestjs/swagger';
import { ORDER_STATUSES, type OrderStatus } from '../../order/order-lifecycle/order-status';
import { ApiClosedSchema } from '../api-closed-schema';
import { ORDER_ID_PATTERN } from './order.response.dto';

/* The saga timeline, as order-service builds it from saga_instance and saga_step. */

export const SAGA_STATES = [
  'RESERVING_STOCK',
  'PROCESSING_PAYMENT',
  'REFUNDING_PAYMENT',
  'RELEASING_STOCK',
  'CONFIRMED',
  'REJECTED',
  'COMPENSATED',
  'TIMED_OUT',
  'CANCELLED',
] as const;
export type SagaState = (typeof SAGA_STATES)[number];

export const SAGA_STEP_KINDS = ['command', 'reply', 'compensation', 'timeout', 'late-reply', 'outcome', 'operator'] as const;
export type SagaStepKind = (typeof SAGA_STEP_KINDS)[number];

@ApiClosedSchema('SagaTimelineEntry', 'One line of the saga timeline')
export class SagaTimelineEntryResponseDto {
  @ApiProperty({
    enum: SAGA_STEP_KINDS,
    description:
      'command/reply: forward steps; compensation: a command that undoes a step (or its re-send); timeout: a deadline passed; late-reply: a reply after the saga moved on; outcome: confirmed or cancelled; operator: an operator retried the current step or cancelled the saga',
    example: 'command',
  })
  kind: SagaStepKind;

  @ApiProperty({ description: 'The message or outcome, e.g. ReserveStock, PaymentDeclined, OrderConfirmed', example: 'ReserveStock' })
  name: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The Kafka message sent or received; null for timeouts and outcomes' })
  message_id: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'What the step carried (ids, amounts in cents, reasons, deadlines); its fields depend on name and are informative, not a contract',
    example: { items: 1, deadline: '2024-01-15T10:30:10.000Z' },
  })
  detail: unknown;

  @ApiProperty({ format: 'date-time' })
  occurred_at: string;
}

@ApiClosedSchema('OrderTrack', "An order's saga: its state and every step so far")
export class TrackOrderResponseDto {
  @ApiProperty({ pattern: ORDER_ID_PATTERN, example: 'ORD-12345678' })
  order_id: string;

  @ApiProperty({ enum: ORDER_STATUSES, enumName: 'OrderStatus', example: 'confirmed' })
  status: OrderStatus;

  @ApiProperty({ enum: SAGA_STATES, enumName: 'SagaState', example: 'CONFIRMED' })
  saga_state: SagaState;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Why a failed saga failed, e.g. payment_declined, insufficient_inventory, price_mismatch, inventory_timeout, payment_timeout, operator_cancelled',
    example: null,
  })
  failure_reason: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the step the saga waits on is overdue; null once it ended' })
  step_deadline_at: string | null;

  @ApiProperty({ type: [SagaTimelineEntryResponseDto] })
  timeline: SagaTimelineEntryResponseDto[];
}
