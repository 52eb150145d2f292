import type { CustomerResponseDto } from '@order-saga/contracts/http';
import { Customer } from './customer.entity';

/** The public contract's customer (libs/contracts/src/http/customers). */
export function toCustomerResponse(customer: Customer): CustomerResponseDto {
  return {
    customer_id: customer.customerId,
    name: customer.name,
    email: customer.email,
    status: customer.status,
    created_at: customer.createdAt.toISOString(),
  };
}
