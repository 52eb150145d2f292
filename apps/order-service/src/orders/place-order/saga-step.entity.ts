import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { SagaStepKind } from '../domain/place-order.saga';

/** One line of a saga's timeline: a command sent, a reply received, a compensation, the outcome. */
@Entity({ name: 'saga_step' })
export class SagaStep {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'saga_id', type: 'uuid' })
  sagaId: string;

  @Column({ name: 'order_id', type: 'text' })
  orderId: string;

  @Column({ type: 'text' })
  kind: SagaStepKind;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId: string | null;

  @Column({ type: 'jsonb', nullable: true })
  detail: unknown;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;
}
