import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { Order } from './order.entity';

@Entity({ name: 'order_line' })
export class OrderLine {
  @PrimaryColumn({ name: 'order_id', type: 'text' })
  orderId: string;

  @PrimaryColumn({ name: 'line_no', type: 'integer' })
  lineNo: number;

  @Column({ name: 'product_id', type: 'text' })
  productId: string;

  @Column({ type: 'integer' })
  quantity: number;

  /** The catalog price inventory reserved at; null until then. */
  @Column({ name: 'unit_price_cents', type: 'integer', nullable: true })
  unitPriceCents: number | null;

  /** The unit price the client stated, if any; inventory refuses the reservation when the catalog disagrees. */
  @Column({ name: 'requested_unit_price_cents', type: 'integer', nullable: true })
  requestedUnitPriceCents: number | null;

  @ManyToOne(() => Order, (order) => order.lines)
  @JoinColumn({ name: 'order_id' })
  order: Relation<Order>;
}
