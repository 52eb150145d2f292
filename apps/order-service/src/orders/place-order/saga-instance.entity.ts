import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

export type PlaceOrderSagaState = 'RESERVING_STOCK' | 'PROCESSING_PAYMENT' | 'RELEASING_STOCK' | 'CONFIRMED' | 'REJECTED' | 'COMPENSATED';

/** Persisted state of one PlaceOrder saga; a restarted service continues from here. */
@Entity({ name: 'saga_instance' })
export class SagaInstance {
  @PrimaryColumn({ name: 'saga_id', type: 'uuid' })
  sagaId: string;

  @Column({ name: 'order_id', type: 'text', unique: true })
  orderId: string;

  @Column({ name: 'saga_type', type: 'text' })
  sagaType: 'PlaceOrder';

  @Column({ type: 'text' })
  state: PlaceOrderSagaState;

  @Column({ name: 'reservation_id', type: 'uuid', nullable: true })
  reservationId: string | null;

  @Column({ name: 'payment_id', type: 'uuid', nullable: true })
  paymentId: string | null;

  @VersionColumn()
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
