import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ApiClosedSchema } from '../api-closed-schema';

/** POST /api/v1/customers. The id follows the order's customer_id rule, since orders name customers by it. */
@ApiClosedSchema('CreateCustomerRequestDto')
export class CreateCustomerRequestDto {
  /** Chosen by the client (its own customer reference); generated when absent. */
  @ApiPropertyOptional({ maxLength: 50, pattern: '^[A-Za-z0-9-]+$', example: 'CUST-12345', description: 'Generated (CUST-…) when absent' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  @Matches(/^[A-Za-z0-9-]+$/, { message: 'Must be alphanumeric (dashes allowed)' })
  customer_id?: string;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Ada Lovelace' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ format: 'email', maxLength: 254, example: 'ada@example.com' })
  @IsOptional()
  @IsEmail({}, { message: 'Must be an email address' })
  @MaxLength(254)
  email?: string;
}
