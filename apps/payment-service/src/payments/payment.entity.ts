import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * refunded: charged, then given back; voided: refunded before any charge, so no charge may follow;
 * pending: only inside ProcessPayment's transaction, while the provider is called (never committed).
 */
export type PaymentStatus = 'pending' | 'succeeded' | 'declined' | 'refunded' | 'voided';

@Entity({ name: 'payment' })
export class Payment {
  @PrimaryColumn({ name: 'payment_id', type: 'uuid' })
  paymentId: string;

  /** At most one charge per order, whatever the number of ProcessPayment commands. */
  @Column({ name: 'order_id', type: 'text', unique: true })
  orderId: string;

  @Column({ name: 'customer_id', type: 'text' })
  customerId: string;

  @Column({ name: 'amount_cents', type: 'integer' })
  amountCents: number;

  @Column({ type: 'text' })
  currency: 'USD';

  @Column({ type: 'text' })
  status: PaymentStatus;

  @Column({ name: 'provider_reference', type: 'text', nullable: true })
  providerReference: string | null;

  @Column({ name: 'decline_code', type: 'text', nullable: true })
  declineCode: string | null;

  @Column({ name: 'decline_message', type: 'text', nullable: true })
  declineMessage: string | null;

  @Column({ name: 'refunded_cents', type: 'integer', default: 0 })
  refundedCents: number;

  @Column({ name: 'refunded_at', type: 'timestamptz', nullable: true })
  refundedAt: Date | null;

  @Column({ name: 'refund_reason', type: 'text', nullable: true })
  refundReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
