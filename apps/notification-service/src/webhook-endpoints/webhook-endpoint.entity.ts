import { WebhookEventType } from '@order-saga/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Why an endpoint stopped receiving: the client switched it off, or the receiver answered 410 Gone. */
export type DisabledReason = 'client' | 'gone';

@Entity({ name: 'webhook_endpoint' })
export class WebhookEndpoint {
  @PrimaryColumn({ name: 'endpoint_id', type: 'uuid' })
  endpointId: string;

  /** The API client that registered the endpoint; it receives events of that client's orders only. */
  @Column({ name: 'client_id', type: 'text' })
  clientId: string;

  @Column({ type: 'text' })
  url: string;

  /** Kept in clear because every delivery is signed with it; shown to the client once, at registration or rotation. */
  @Column({ type: 'text' })
  secret: string;

  /** The secret a rotation replaced; it keeps signing next to the new one until `previousSecretExpiresAt`. */
  @Column({ name: 'previous_secret', type: 'text', nullable: true })
  previousSecret: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', nullable: true })
  previousSecretExpiresAt: Date | null;

  @Column({ name: 'event_types', type: 'text', array: true })
  eventTypes: WebhookEventType[];

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason: DisabledReason | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** Deleted endpoints stay for the delivery log's foreign keys, invisible to the API and never sent to. */
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;
}
