import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageRequestDto } from '../common/page.request.dto';
import { CUSTOMER_STATUSES, type CustomerStatus } from './customer.response.dto';

/** GET /api/v1/customers query. */
export class ListCustomersRequestDto extends PageRequestDto {
  @ApiPropertyOptional({ enum: CUSTOMER_STATUSES, enumName: 'CustomerStatus' })
  @IsOptional()
  @IsIn(CUSTOMER_STATUSES, { message: 'Must be one of active, inactive' })
  status?: CustomerStatus;
}
