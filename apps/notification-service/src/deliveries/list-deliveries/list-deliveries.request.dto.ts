import { IsNotEmpty, IsOptional, IsString, IsUUID } from 'class-validator';

export class ListDeliveriesRequestDto {
  @IsOptional()
  @IsUUID()
  event_id?: string;

  @IsOptional()
  @IsUUID()
  endpoint_id?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  order_id?: string;
}
