import type { OperatorRole } from '@order-saga/contracts/http/operator';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A person who signs in to the operator console (not an API client: a password and a session, no token). */
@Entity({ name: 'operator_account' })
export class OperatorAccount {
  /** The operator's id everywhere: x-operator-id to the services, saga timelines, the audit log. Never changes. */
  @PrimaryColumn({ type: 'text' })
  username: string;

  /** `scrypt$N$r$p$salt$hash`, the format of oauth/client-secret.ts; the password itself is never stored. */
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName: string;

  @Column({ type: 'text' })
  role: OperatorRole;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Sessions that began before it end at their next request. */
  @Column({ name: 'password_changed_at', type: 'timestamptz' })
  passwordChangedAt: Date;

  /** Set: no sign-in, and the account's sessions end at their next request. */
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;
}
