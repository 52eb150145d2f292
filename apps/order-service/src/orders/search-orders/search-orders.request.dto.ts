import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { OrderPageRequestDto } from '../list-orders/list-orders.request.dto';

/** GET /search query. */
export class SearchOrdersRequestDto extends OrderPageRequestDto {
  /** Prefix of an order id, a customer id or a product id; case-insensitive. */
  @IsString()
  @IsNotEmpty({ message: 'Must not be empty' })
  @Matches(/\S/, { message: 'Must not be blank' })
  @MaxLength(100)
  q: string;
}
