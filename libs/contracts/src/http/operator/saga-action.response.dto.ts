import { ApiProperty } from '@nestjs/swagger';
import { ApiClosedSchema } from '../api-closed-schema';
import { ORDER_ID_PATTERN } from '../orders/order.response.dto';
import { SAGA_STATES, type SagaState } from '../orders/track-order.response.dto';
import { SAGA_STEPS, type SagaStep } from './list-sagas.request.dto';

export const SAGA_ACTIONS = ['retry-step', 'cancel'] as const;
export type SagaAction = (typeof SAGA_ACTIONS)[number];

/**
 * What an operator action did, read back from its line on the saga timeline; a repeated request with the
 * same action_id gets this same body (and the header Idempotent-Replayed: true).
 */
@ApiClosedSchema('SagaAction', "An operator's action on a saga, as the saga took it")
export class SagaActionResponseDto {
  @ApiProperty({ format: 'uuid' })
  action_id: string;

  @ApiProperty({ enum: SAGA_ACTIONS, enumName: 'SagaAction', example: 'cancel' })
  action: SagaAction;

  @ApiProperty({ pattern: ORDER_ID_PATTERN, example: 'ORD-12345678' })
  order_id: string;

  @ApiProperty({ example: 'ops@example.com' })
  operator_id: string;

  @ApiProperty({ example: 'payment provider outage' })
  reason: string;

  @ApiProperty({ enum: SAGA_STATES, enumName: 'SagaState', description: 'The saga state the action found', example: 'PROCESSING_PAYMENT' })
  from_state: SagaState;

  @ApiProperty({
    enum: SAGA_STATES,
    enumName: 'SagaState',
    description: 'The saga state right after the action (a cancel that compensates ends CANCELLED once the compensations are answered)',
    example: 'REFUNDING_PAYMENT',
  })
  to_state: SagaState;

  @ApiProperty({ enum: SAGA_STEPS, enumName: 'SagaStep', isArray: true, description: 'The commands the action sent', example: ['RefundPayment'] })
  commands: SagaStep[];

  @ApiProperty({ format: 'date-time' })
  occurred_at: string;
}
