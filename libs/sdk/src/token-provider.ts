import type { OAuthErrorResponseDto, TokenResponseDto } from '@order-saga/contracts/http';
import { OrderSagaAuthError } from './errors';

export interface TokenProviderOptions {
  /** Full URL of the token endpoint, e.g. https://api.example.com/oauth/token. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes to ask for; the server's default when absent. */
  scope?: string;
  /** Fetch a new token this many seconds before the current one expires (the spec's 300). */
  refreshThresholdSeconds?: number;
  /** Milliseconds since the epoch; injectable so tests can move time. */
  clock?: () => number;
  fetch?: typeof fetch;
  /** Gives up on a token request that has not been answered after this long (default 30 000 ms). */
  timeoutMs?: number;
}

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

/**
 * OAuth 2.0 client-credentials tokens, cached until `refreshThresholdSeconds` before expiry. Callers
 * that ask while a token request is under way share it, so a burst of requests costs one token call.
 */
export class ClientCredentialsTokenProvider {
  private cached: CachedToken | undefined;
  private pending: Promise<CachedToken> | undefined;
  /** Token requests made so far; lets tests and metrics see the cache at work. */
  requests = 0;

  constructor(private readonly options: TokenProviderOptions) {}

  async accessToken(): Promise<string> {
    const now = this.now();
    const threshold = (this.options.refreshThresholdSeconds ?? 300) * 1000;
    if (this.cached && now < this.cached.expiresAt - threshold) return this.cached.accessToken;
    this.pending ??= this.requestToken().finally(() => {
      this.pending = undefined;
    });
    this.cached = await this.pending;
    return this.cached.accessToken;
  }

  /** Forget the token, e.g. after the API answered 401 to it (revoked, or a key rotation). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async requestToken(): Promise<CachedToken> {
    const { tokenUrl, clientId, clientSecret, scope } = this.options;
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
    if (scope) form.set('scope', scope);
    const requestedAt = this.now();
    this.requests += 1;
    const response = await (this.options.fetch ?? fetch)(tokenUrl, {
      method: 'POST',
      body: form,
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
    });
    const body = (await response.json().catch(() => ({}))) as Partial<TokenResponseDto & OAuthErrorResponseDto>;
    if (!response.ok || typeof body.access_token !== 'string') {
      throw new OrderSagaAuthError(response.status, body.error ?? 'invalid_response', body.error_description);
    }
    // Counted from when the request left, so network time never makes the cache outlive the token.
    return { accessToken: body.access_token, expiresAt: requestedAt + (body.expires_in ?? 3600) * 1000 };
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }
}
