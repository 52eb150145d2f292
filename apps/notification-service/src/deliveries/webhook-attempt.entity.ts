import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { WebhookDelivery } from './webhook-delivery.entity';

@Entity({ name: 'webhook_attempt' })
export class WebhookAttempt {
  @PrimaryColumn({ name: 'attempt_id', type: 'uuid' })
  attemptId: string;

  @Column({ name: 'delivery_id', type: 'uuid' })
  deliveryId: string;

  @Column({ name: 'attempt_number', type: 'integer' })
  attemptNumber: number;

  @Column({ name: 'attempted_at', type: 'timestamptz' })
  attemptedAt: Date;

  /** Null when no response arrived (network error, timeout). */
  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode: number | null;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** At most 1 KiB of the response body, for diagnosing a refusing receiver. */
  @Column({ name: 'response_excerpt', type: 'text', nullable: true })
  responseExcerpt: string | null;

  @ManyToOne(() => WebhookDelivery, (delivery) => delivery.attempts)
  @JoinColumn({ name: 'delivery_id' })
  // Relation<> keeps the decorator metadata from touching WebhookDelivery while the two modules load each other.
  delivery: Relation<WebhookDelivery>;
}
