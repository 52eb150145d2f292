import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '@order-saga/shared/http';
import { DataSource } from 'typeorm';
import { CreateCustomerRequestDto } from '@order-saga/contracts/http';
import { Customer } from '../customer.entity';

@Injectable()
export class CreateCustomerHandler {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates an active customer; an id the client already uses is a conflict, never an overwrite. */
  async handle(clientId: string, request: CreateCustomerRequestDto): Promise<Customer> {
    const customerId = request.customer_id ?? `CUST-${randomBytes(6).toString('hex').toUpperCase()}`;
    // ON CONFLICT DO NOTHING: two racing creates of one id cannot both succeed, and neither sees a 500.
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO customer (client_id, customer_id, name, email, status) VALUES ($1, $2, $3, $4, 'active')
       ON CONFLICT (client_id, customer_id) DO NOTHING RETURNING customer_id`,
      [clientId, customerId, request.name, request.email ?? null],
    );
    if (inserted.length === 0) {
      throw new DomainError('CONFLICT', `Customer ${customerId} already exists`, [{ field: 'customer_id', error: 'Already in use' }]);
    }
    return this.dataSource.getRepository(Customer).findOneByOrFail({ clientId, customerId });
  }
}
