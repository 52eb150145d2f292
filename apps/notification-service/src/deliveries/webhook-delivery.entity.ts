import { WebhookEventType, WebhookTestEventType } from '@order-saga/contracts';
import { Column, CreateDateColumn, Entity, OneToMany, PrimaryColumn, Relation } from 'typeorm';
import { WebhookAttempt } from './webhook-attempt.entity';

/** `cancelled`: its endpoint was deleted before it could be sent. */
export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled';
export type DeliveryFailureReason = 'exhausted' | 'gone';

/** One event to one endpoint. Unique per (endpoint, event), so a redelivered Kafka event adds nothing. */
@Entity({ name: 'webhook_delivery' })
export class WebhookDelivery {
  @PrimaryColumn({ name: 'delivery_id', type: 'uuid' })
  deliveryId: string;

  @Column({ name: 'endpoint_id', type: 'uuid' })
  endpointId: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  /** An order event, or an operator's test event (WEBHOOK_TEST_EVENT_TYPE). */
  @Column({ name: 'event_type', type: 'text' })
  eventType: WebhookEventType | WebhookTestEventType;

  /** Null exactly for a test event, which is about no order. */
  @Column({ name: 'order_id', type: 'text', nullable: true })
  orderId: string | null;

  /** The exact bytes signed and POSTed, kept so every retry sends (and signs) the same body. */
  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'text' })
  status: WebhookDeliveryStatus;

  /** `exhausted`: the schedule ran out; `gone`: the endpoint answered 410 and was disabled. */
  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason: DeliveryFailureReason | null;

  @Column({ name: 'attempt_count', type: 'integer' })
  attemptCount: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt: Date;

  /** A worker holds the delivery until then; past it, another replica may claim it again. */
  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true })
  lastAttemptAt: Date | null;

  @OneToMany(() => WebhookAttempt, (attempt) => attempt.delivery)
  attempts: Relation<WebhookAttempt>[];
}
