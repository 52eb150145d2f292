import { ApiProperty } from '@nestjs/swagger';
import { ApiClosedSchema } from '../api-closed-schema';
import { PaginationResponseDto } from '../common/pagination.response.dto';

/** parked: waiting for an operator; redriven: put back on its topic once; discarded: kept, never to be processed. */
export const DEAD_LETTER_STATUSES = ['parked', 'redriven', 'discarded'] as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

@ApiClosedSchema('DeadLetter', 'A message a consumer of this service could not process, parked with the error')
export class DeadLetterResponseDto {
  @ApiProperty({ pattern: '^[0-9]+$', example: '42', description: "The dead letter's id in this service" })
  id: string;

  @ApiProperty({ description: 'The consumer (inbox name) that could not process it', example: 'inventory.reserve-stock' })
  consumer: string;

  @ApiProperty({ description: 'The topic it came from, where a redrive puts it back', example: 'inventory.command.reserve-stock.v1' })
  topic: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  partition: number;

  @ApiProperty({ pattern: '^[0-9]+$', example: '1234' })
  offset: string;

  @ApiProperty({ description: 'The Kafka topic that holds the same dead letter, for Kafka tooling', example: 'inventory.deadletter.reserve-stock.v1' })
  dead_letter_topic: string;

  @ApiProperty({ type: String, nullable: true, description: 'The Kafka key (the order id for saga messages)', example: 'ORD-12345678' })
  key: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: "The envelope's messageId, when the value is an envelope" })
  message_id: string | null;

  @ApiProperty({ type: String, nullable: true, description: "The envelope's type, when the value is an envelope", example: 'ReserveStock' })
  message_type: string | null;

  @ApiProperty({ description: 'Why it was parked', example: 'failed after 5 attempts: product SKU-1 has no price' })
  error: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'The Kafka headers it arrived with' })
  headers: Record<string, string>;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The value when it is a JSON object (the message envelope with its payload); null otherwise',
  })
  payload: Record<string, unknown> | null;

  @ApiProperty({ type: String, nullable: true, description: 'The value as text when it is not a JSON object (null when payload is set)' })
  raw_value: string | null;

  @ApiProperty({ description: 'Whether a redrive can put it back: only a message envelope with a messageId can be redriven exactly once' })
  redrivable: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Why it cannot be redriven (discard it instead); null when it can', example: null })
  not_redrivable_reason: string | null;

  @ApiProperty({ enum: DEAD_LETTER_STATUSES, enumName: 'DeadLetterStatus', example: 'parked' })
  status: DeadLetterStatus;

  @ApiProperty({ format: 'date-time' })
  dead_lettered_at: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When it was redriven or discarded; null while parked' })
  settled_at: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The operator who redrove or discarded it', example: null })
  settled_by: string | null;

  @ApiProperty({ type: String, nullable: true, description: "The operator's reason", example: null })
  settled_reason: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The action that redrove or discarded it' })
  settled_action_id: string | null;
}

@ApiClosedSchema('DeadLetterPage')
export class DeadLetterPageResponseDto {
  @ApiProperty({ type: [DeadLetterResponseDto] })
  data: DeadLetterResponseDto[];

  @ApiProperty({ type: PaginationResponseDto })
  pagination: PaginationResponseDto;
}
