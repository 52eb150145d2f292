import { Customer } from './customer.entity';

export interface CustomerResponseDto {
  customer_id: string;
  name: string;
  email: string | null;
  status: string;
  created_at: string;
}

export function toCustomerResponse(customer: Customer): CustomerResponseDto {
  return {
    customer_id: customer.customerId,
    name: customer.name,
    email: customer.email,
    status: customer.status,
    created_at: customer.createdAt.toISOString(),
  };
}
