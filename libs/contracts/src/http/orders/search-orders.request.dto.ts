import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { OrderPageRequestDto } from './list-orders.request.dto';

/** GET /api/v1/search query. */
export class SearchOrdersRequestDto extends OrderPageRequestDto {
  @ApiProperty({ minLength: 1, maxLength: 100, description: 'Prefix of an order id, a customer id or a product id; case-insensitive' })
  @IsString()
  @IsNotEmpty({ message: 'Must not be empty' })
  @Matches(/\S/, { message: 'Must not be blank' })
  @MaxLength(100)
  q: string;
}
