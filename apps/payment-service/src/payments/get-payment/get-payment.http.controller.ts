import { Controller, Get, Param } from '@nestjs/common';
import { DomainError } from '@order-saga/shared/http';
import { DataSource } from 'typeorm';
import { Payment } from '../payment.entity';

/** Looks up the payment of an order, for operators and tests. */
@Controller('payments')
export class GetPaymentHttpController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('by-order/:orderId')
  async byOrder(@Param('orderId') orderId: string) {
    const payment = await this.dataSource.getRepository(Payment).findOneBy({ orderId });
    if (!payment) throw new DomainError('NOT_FOUND', `No payment for order ${orderId}`);
    return {
      payment_id: payment.paymentId,
      order_id: payment.orderId,
      customer_id: payment.customerId,
      amount: payment.amountCents / 100,
      currency: payment.currency,
      status: payment.status,
      provider_reference: payment.providerReference,
      decline_code: payment.declineCode,
      created_at: payment.createdAt.toISOString(),
    };
  }
}
