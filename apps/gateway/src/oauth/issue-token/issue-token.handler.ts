import { Injectable } from '@nestjs/common';
import type { TokenResponseDto } from '@order-saga/contracts/http';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { AccessTokens } from '../access-tokens';
import { generateClientSecret, hashClientSecret, verifyClientSecret } from '../client-secret';
import { OAuthClientRepository } from '../oauth-client.repository';
import { grantScopes } from '../scope';
import { SecretCheckGate } from '../secret-check-gate';
import { OAuthError } from './oauth-error';
import { IssueTokenRequestDto } from './issue-token.request.dto';

@Injectable()
export class IssueTokenHandler {
  /**
   * Unknown client ids are checked against this hash, so they cost the same scrypt run as known
   * ones and response time does not reveal which client ids exist.
   */
  private readonly unknownClientHash = hashClientSecret(generateClientSecret());

  constructor(
    private readonly clients: OAuthClientRepository,
    private readonly tokens: AccessTokens,
    private readonly secretChecks: SecretCheckGate,
    @InjectPinoLogger(IssueTokenHandler.name) private readonly logger: PinoLogger,
  ) {}

  async handle(request: IssueTokenRequestDto): Promise<TokenResponseDto> {
    const client = await this.clients.findById(request.clientId);
    const storedHash = client?.secretHash ?? (await this.unknownClientHash);
    const secretMatches = await this.secretChecks.run(() => verifyClientSecret(request.clientSecret, storedHash));
    if (!client || !secretMatches || !client.active) {
      const reason = !client ? 'unknown client' : !secretMatches ? 'wrong secret' : 'inactive client';
      this.logger.warn({ client_id: request.clientId, reason }, 'client authentication failed');
      throw new OAuthError('invalid_client', 'Client authentication failed');
    }

    const scopes = grantScopes(request.scope, client.scopes);
    if (!scopes) {
      throw new OAuthError('invalid_scope', `The requested scope is not a non-empty subset of the client's scopes (${client.scopes.join(' ')})`);
    }

    const { token, expiresIn } = await this.tokens.issue(client.clientId, scopes, new Date(), client.rateLimitTier);
    this.logger.info({ client_id: client.clientId, scope: scopes.join(' ') }, 'access token issued');
    return { access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope: scopes.join(' ') };
  }
}
