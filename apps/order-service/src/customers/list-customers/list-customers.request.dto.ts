import { IsIn, IsOptional } from 'class-validator';
import { PageRequestDto } from '../../common/page.request.dto';
import type { CustomerStatus } from '../customer.entity';

export class ListCustomersRequestDto extends PageRequestDto {
  @IsOptional()
  @IsIn(['active', 'inactive'], { message: 'Must be one of active, inactive' })
  status?: CustomerStatus;
}
