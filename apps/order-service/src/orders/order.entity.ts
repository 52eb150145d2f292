import type { OrderStatus } from '@order-saga/contracts';
import { Column, CreateDateColumn, Entity, OneToMany, PrimaryColumn, UpdateDateColumn, Relation } from 'typeorm';
import { OrderLine } from './order-line.entity';

export interface ShippingAddress {
  street: string;
  city: string;
  postal_code: string;
  country: string;
}

@Entity({ name: 'customer_order' })
export class Order {
  @PrimaryColumn({ name: 'order_id', type: 'text' })
  orderId: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId: string;

  @Column({ name: 'customer_id', type: 'text' })
  customerId: string;

  @Column({ type: 'text' })
  status: OrderStatus;

  /** Known once inventory priced the reservation; null while the saga has not got that far. */
  @Column({ name: 'total_cents', type: 'integer', nullable: true })
  totalCents: number | null;

  @Column({ type: 'text' })
  currency: 'USD';

  @Column({ name: 'shipping_address', type: 'jsonb', nullable: true })
  shippingAddress: ShippingAddress | null;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey: string | null;

  /** SHA-256 of the canonical request body the key was first used with; a reuse with another body is refused. */
  @Column({ name: 'idempotency_request_hash', type: 'text', nullable: true })
  idempotencyRequestHash: string | null;

  /** The error code a cancelled order failed with, e.g. PAYMENT_FAILED. */
  @Column({ name: 'failure_code', type: 'text', nullable: true })
  failureCode: string | null;

  @Column({ name: 'failure_detail', type: 'jsonb', nullable: true })
  failureDetail: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'estimated_delivery', type: 'timestamptz' })
  estimatedDelivery: Date;

  @OneToMany(() => OrderLine, (line) => line.order, { cascade: ['insert'], eager: true })
  lines: Relation<OrderLine[]>;
}
