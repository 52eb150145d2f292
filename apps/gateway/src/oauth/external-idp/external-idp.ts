import { createHash } from 'node:crypto';
import { createRemoteJWKSet, customFetch, JWTPayload, JWTVerifyGetKey } from 'jose';
import { isKnownScope, Scope } from '../scope';

/**
 * A third-party OAuth server (Keycloak, Hydra, Auth0...) whose access tokens the gateway accepts
 * next to its own: the gateway holds none of its keys, only the URL of its JWKS.
 */
export interface ExternalIdpSettings {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** Asymmetric only; pinned like our own ES256, so `alg: none` and HS256-with-a-public-key are refused. */
  algorithms: string[];
  /** The claim the provider puts scopes in: a space-delimited string (`scope`, `scp`) or a list (`permissions`). */
  scopeClaim: string;
  /** Provider scope → gateway scope. Scopes it does not name grant nothing. */
  scopeMap: ReadonlyMap<string, Scope>;
  /** Prepended to the provider's client id, so no external client can act as (or see the orders of) one of ours. */
  clientIdPrefix: string;
  /** After a fetch, how long a token with an unknown `kid` is refused without asking the provider again. */
  jwksCooldownMs: number;
  /** How long fetched keys are trusted before they are fetched again (so a key the provider withdrew stops working). */
  jwksCacheMaxAgeMs: number;
  jwksTimeoutMs: number;
}

/** The provider's JWKS could not be fetched: not the client's fault, so not a 401. */
export class IdentityProviderUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentityProviderUnavailableError';
  }
}

/** Algorithms an external provider may sign with; symmetric ones would need a shared secret we do not hold. */
export const EXTERNAL_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

/**
 * `provider-scope=gateway-scope` pairs, comma-separated (`orders:read=read,orders:write=write`).
 * Undefined when a pair is malformed or names a scope the gateway does not know.
 */
export function parseScopeMap(value: string): Map<string, Scope> | undefined {
  const map = new Map<string, Scope>();
  for (const pair of value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')) {
    const match = /^([\x21\x23-\x3C\x3E-\x5B\x5D-\x7E]+)=([a-z]+)$/.exec(pair);
    if (!match || !isKnownScope(match[2]) || map.has(match[1])) return undefined;
    map.set(match[1], match[2]);
  }
  return map.size > 0 ? map : undefined;
}

/** The gateway scopes a provider's scope claim maps to, space-delimited; undefined when the claim has the wrong shape. */
export function mappedScope(claim: unknown, scopeMap: ReadonlyMap<string, Scope>): string | undefined {
  const theirs =
    typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) && claim.every((item) => typeof item === 'string') ? (claim as string[]) : undefined;
  if (theirs === undefined) return undefined;
  const ours = new Set(theirs.map((scope) => scopeMap.get(scope)).filter((scope) => scope !== undefined));
  return [...ours].join(' ');
}

/**
 * Who the token was issued to: RFC 9068's `client_id`, else `azp` (Keycloak, Auth0), else `sub`
 * (Auth0's client-credentials tokens carry `<client>@clients` there).
 */
export function externalClientIdOf(payload: JWTPayload): string | undefined {
  for (const claim of ['client_id', 'azp', 'sub']) {
    const value = payload[claim];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** Providers need not send `jti`; a digest of the token then names it in logs just as well. */
export function externalTokenIdOf(payload: JWTPayload, token: string): string {
  return typeof payload.jti === 'string' && payload.jti !== '' ? payload.jti : createHash('sha256').update(token).digest('base64url').slice(0, 22);
}

/**
 * The provider's keys, fetched on first use, again when a token names a `kid` not among them (at
 * most once per cooldown, so a flood of made-up kids costs one fetch), and when older than the cache
 * age. A fetch that fails or answers other than 200 becomes IdentityProviderUnavailableError.
 */
export function externalKeySet(settings: ExternalIdpSettings): JWTVerifyGetKey {
  const fetchJwks = async (url: string, options: RequestInit): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(url, options);
    } catch (error) {
      throw new IdentityProviderUnavailableError(`JWKS fetch from ${url} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new IdentityProviderUnavailableError(`JWKS fetch from ${url} answered ${response.status}`);
    }
    return response;
  };
  return createRemoteJWKSet(new URL(settings.jwksUrl), {
    cooldownDuration: settings.jwksCooldownMs,
    cacheMaxAge: settings.jwksCacheMaxAgeMs,
    timeoutDuration: settings.jwksTimeoutMs,
    [customFetch]: fetchJwks,
  });
}
