import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { FailureReason, PlaceOrderSagaState } from '../domain/place-order.saga';

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

  /** When the reply of the current step is overdue; null in a terminal state. */
  @Column({ name: 'step_deadline_at', type: 'timestamptz', nullable: true })
  stepDeadlineAt: Date | null;

  /** How many times the current step's command was sent (compensations are re-sent until answered). */
  @Column({ name: 'step_attempts', type: 'integer', default: 1 })
  stepAttempts: number;

  /** Why a failed saga failed, e.g. `payment_declined`, `inventory_timeout`, `payment_timeout`. */
  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason: FailureReason | null;

  /** The reservation's stock went back (StockReleased received), so there is nothing left to release. */
  @Column({ name: 'stock_released', type: 'boolean', default: false })
  stockReleased: boolean;

  @VersionColumn()
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
