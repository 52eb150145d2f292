import { ClientCredentialsTokenProvider } from '@order-saga/sdk';

export interface ClientCredentials {
  id: string;
  secret: string;
}

export interface ClientTokenOptions {
  /** Space-separated scopes to ask for; the client's own when absent. */
  scope?: string;
  /** Gives up on the token request after this long (default the SDK's 30 s). */
  timeoutMs?: number;
}

/**
 * A client-credentials token from `gatewayUrl`, asked for as the SDK asks (so the suites, the chaos run and
 * the bench exercise the client code customers use); a refusal throws the SDK's OrderSagaAuthError.
 */
export async function clientCredentialsToken(gatewayUrl: string, client: ClientCredentials, { scope, timeoutMs }: ClientTokenOptions = {}): Promise<string> {
  const provider = new ClientCredentialsTokenProvider({
    tokenUrl: `${gatewayUrl}/oauth/token`,
    clientId: client.id,
    clientSecret: client.secret,
    scope,
    timeoutMs,
  });
  return provider.accessToken();
}
