import { ApiProperty } from '@nestjs/swagger';
import { ApiClosedSchema } from '../api-closed-schema';

@ApiClosedSchema('DeadLetterDepthOfConsumer', 'The parked dead letters of one consumer and topic')
export class DeadLetterDepthOfConsumerResponseDto {
  @ApiProperty({ description: 'The consumer (inbox name) that could not process them', example: 'inventory.reserve-stock' })
  consumer: string;

  @ApiProperty({ description: 'The topic they came from', example: 'inventory.command.reserve-stock.v1' })
  topic: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  parked: number;
}

@ApiClosedSchema('DeadLetterDepth', "A service's dead letters waiting for an operator, counted (order_saga_dead_letter_depth)")
export class DeadLetterDepthResponseDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Parked: not redriven, not discarded' })
  parked: number;

  @ApiProperty({ type: [DeadLetterDepthOfConsumerResponseDto], description: 'The same, per consumer and topic, the deepest first; empty when none is parked' })
  consumers: DeadLetterDepthOfConsumerResponseDto[];
}
