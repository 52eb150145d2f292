import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RateLimitTier } from '../rate-limit/rate-limit.policy';
import { OAuthClient } from './oauth-client.entity';

export interface OAuthClientRegistration {
  clientId: string;
  secretHash: string;
  scopes: string[];
  rateLimitTier: RateLimitTier;
}

@Injectable()
export class OAuthClientRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(clientId: string): Promise<OAuthClient | null> {
    return this.dataSource.getRepository(OAuthClient).findOneBy({ clientId });
  }

  /** Registering an existing client replaces its secret, scopes and tier and reactivates it: that is how secrets rotate. */
  async register(registration: OAuthClientRegistration): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO oauth_client (client_id, secret_hash, scopes, rate_limit_tier, active)
       VALUES ($1, $2, $3, $4, true)
       ON CONFLICT (client_id) DO UPDATE
         SET secret_hash = EXCLUDED.secret_hash, scopes = EXCLUDED.scopes, rate_limit_tier = EXCLUDED.rate_limit_tier, active = true`,
      [registration.clientId, registration.secretHash, registration.scopes, registration.rateLimitTier],
    );
  }
}
