import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_CODES } from '@order-saga/shared/http';

class ErrorDetailResponseDto {
  @ApiProperty({ example: 'items[0].quantity' })
  field: string;

  @ApiProperty({ example: 'Must be between 1 and 999' })
  error: string;
}

/** The seed's error format, for the OpenAPI document; the body itself is built by libs/shared/http. */
export class ApiErrorResponseDto {
  @ApiProperty({ enum: ERROR_CODES, example: 'VALIDATION_ERROR' })
  error_code: string;

  @ApiProperty({ example: 'Request validation failed' })
  message: string;

  @ApiPropertyOptional({ type: [ErrorDetailResponseDto] })
  details?: ErrorDetailResponseDto[];

  @ApiPropertyOptional({ description: 'Only on 429: seconds until the client may retry (also in Retry-After)', example: 60 })
  retry_after?: number;

  @ApiProperty({ example: 'demo-1' })
  request_id: string;

  @ApiProperty({ example: '2024-01-15T10:30:00.000Z' })
  timestamp: string;
}
