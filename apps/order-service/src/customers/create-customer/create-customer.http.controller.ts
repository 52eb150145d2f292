import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CreateCustomerRequestDto, CustomerResponseDto } from '@order-saga/contracts/http';
import { ClientId } from '../../common/client-id.decorator';
import { toCustomerResponse } from '../customer.response.dto';
import { CreateCustomerHandler } from './create-customer.handler';

@Controller('customers')
export class CreateCustomerHttpController {
  constructor(private readonly handler: CreateCustomerHandler) {}

  @Post()
  @HttpCode(201)
  async create(@ClientId() clientId: string, @Body() body: CreateCustomerRequestDto): Promise<CustomerResponseDto> {
    return toCustomerResponse(await this.handler.handle(clientId, body));
  }
}
