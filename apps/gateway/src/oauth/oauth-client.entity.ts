import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { RateLimitTier } from '../rate-limit/rate-limit.policy';

/** A machine client of the public API (OAuth 2.0 client credentials grant). */
@Entity({ name: 'oauth_client' })
export class OAuthClient {
  @PrimaryColumn({ name: 'client_id', type: 'text' })
  clientId: string;

  /** `scrypt$N$r$p$salt$hash` from client-secret.ts; the secret itself is never stored. */
  @Column({ name: 'secret_hash', type: 'text' })
  secretHash: string;

  /** The most a token of this client may carry; a token request can ask for fewer. */
  @Column({ type: 'text', array: true })
  scopes: string[];

  @Column({ name: 'rate_limit_tier', type: 'text', default: 'standard' })
  rateLimitTier: RateLimitTier;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
