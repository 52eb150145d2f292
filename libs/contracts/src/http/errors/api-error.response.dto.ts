import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiClosedSchema } from '../api-closed-schema';
import { ERROR_CODES, type ErrorCode } from './error-code';

@ApiClosedSchema('ErrorDetail', 'One failed constraint: the field (a path such as items[0].quantity, a query parameter or a header) and what it must be')
export class ErrorDetailResponseDto {
  @ApiProperty({ example: 'items[0].quantity' })
  field: string;

  @ApiProperty({ example: 'Must be between 1 and 999' })
  error: string;
}

/**
 * The seed's error format; libs/shared/http builds it (errorBody) for every layer. The optional fields are
 * the only extras any layer adds (DomainError's `extra`), so the schema is closed.
 */
@ApiClosedSchema('ErrorResponse', 'Every error of the API, from every layer: clients branch on error_code')
export class ApiErrorResponseDto {
  @ApiProperty({ enum: ERROR_CODES, enumName: 'ErrorCode', example: 'VALIDATION_ERROR' })
  error_code: ErrorCode;

  @ApiProperty({ example: 'Request validation failed' })
  message: string;

  @ApiPropertyOptional({ type: [ErrorDetailResponseDto], description: 'Present when specific fields failed' })
  details?: ErrorDetailResponseDto[];

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Only on 429: seconds until the client may retry (also in Retry-After)', example: 60 })
  retry_after?: number;

  @ApiPropertyOptional({
    description: 'The order a PAYMENT_FAILED, INSUFFICIENT_INVENTORY, price VALIDATION_ERROR or CONFLICT (cancelled) answer is about',
    example: 'ORD-12345678',
  })
  order_id?: string;

  @ApiPropertyOptional({ description: 'DUPLICATE_ORDER or in-flight CONFLICT: the order that already holds the idempotency key', example: 'ORD-12345678' })
  existing_order_id?: string;

  @ApiPropertyOptional({ description: "PAYMENT_FAILED: the provider's decline code", example: 'card_declined' })
  decline_code?: string;

  @ApiProperty({ minLength: 1, maxLength: 128, example: 'demo-1' })
  request_id: string;

  @ApiProperty({ format: 'date-time', example: '2024-01-15T10:30:00.000Z' })
  timestamp: string;
}
