import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'product' })
export class Product {
  @PrimaryColumn({ name: 'product_id', type: 'text' })
  productId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'unit_price_cents', type: 'integer' })
  unitPriceCents: number;

  /** Stock that can still be reserved. */
  @Column({ type: 'integer' })
  available: number;

  /** Stock held by live reservations; moves back to `available` when a reservation is released. */
  @Column({ type: 'integer' })
  reserved: number;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
