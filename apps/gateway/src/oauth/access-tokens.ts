import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, errors, JWTPayload, JWTVerifyGetKey, jwtVerify, JWTVerifyOptions, SignJWT } from 'jose';
import { RateLimitTier, RATE_LIMIT_TIERS } from '../rate-limit/rate-limit.policy';
import {
  externalClientIdOf,
  externalKeySet,
  ExternalIdpSettings,
  externalTokenIdOf,
  IdentityProviderUnavailableError,
  mappedScope,
} from './external-idp/external-idp';
import { SIGNING_ALGORITHM, SigningKeySet } from './signing-keys/signing-keys';

/** RFC 9068's media type, so a token of another kind (an ID token, say) signed by the same key is refused. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** The protection space named in the gateway's WWW-Authenticate challenges (Basic and Bearer alike). */
export const REALM = 'order-saga';

export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
  keys: SigningKeySet;
  /** When set, tokens whose `iss` is its issuer are verified against its JWKS instead of our keys. */
  external?: ExternalIdpSettings;
}

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
}

export interface VerifiedAccessToken {
  clientId: string;
  /** Space-delimited, as in the token. */
  scope: string;
  tokenId: string;
  expiresAt: Date;
  rateLimitTier: RateLimitTier;
}

export class InvalidAccessTokenError extends Error {
  constructor(
    readonly reason: 'expired' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'InvalidAccessTokenError';
  }
}

/**
 * How many verified tokens are remembered (~1 kB each). Past it the oldest is forgotten and, if it
 * comes again, verified again: a cost, never a wrong answer.
 */
const REMEMBERED_TOKENS = 10_000;

/** A token that passed every check, with the claims whose checks depend on the time. */
interface RememberedToken {
  verified: VerifiedAccessToken;
  exp: number;
  nbf?: number;
  /** External tokens only: past this (ms), verified in full again, so a key the provider withdrew stops working within its cache age. */
  recheckAt?: number;
}

/**
 * Issues and verifies the gateway's JWT access tokens: RFC 9068 claims, ES256, `kid` in the header.
 * Verification accepts every key of the key file, so tokens signed before a rotation stay valid.
 *
 * A client sends the same token with every request until it expires, and checking its ES256
 * signature (jose on WebCrypto) was one of the largest CPU costs per proxied request. So a token
 * that passed every check is remembered by its exact text, and seen again only its time-bound
 * claims (exp, nbf) are checked against `now`: nothing else about it, and nothing the check
 * depends on (our keys are loaded once at boot), can change. A token differing in any character is
 * a different key and is verified in full.
 *
 * With an external identity provider configured, a token is routed by its (unverified) `iss`: the
 * provider's issuer goes to the provider's JWKS, anything else to our own keys, and each verifier
 * then checks `iss` itself. Our own tokens stay valid. The provider's keys can change under a
 * remembered token, so those are remembered only for the JWKS cache age.
 */
export class AccessTokens {
  private readonly verificationKeys: JWTVerifyGetKey;
  private readonly externalKeys: JWTVerifyGetKey | undefined;
  /** In insertion order, so the first entry is the one to forget when full. */
  private readonly remembered = new Map<string, RememberedToken>();

  constructor(private readonly settings: AccessTokenSettings) {
    this.verificationKeys = createLocalJWKSet(settings.keys.jwks);
    this.externalKeys = settings.external && externalKeySet(settings.external);
  }

  get jwks(): SigningKeySet['jwks'] {
    return this.settings.keys.jwks;
  }

  /**
   * `rate_limit_tier` is a private claim: the limiter reads the tier without a database lookup per
   * request. A tier change therefore takes effect with the client's next token (≤ the token TTL).
   */
  async issue(clientId: string, scopes: readonly string[], now: Date = new Date(), tier: RateLimitTier = 'standard'): Promise<IssuedAccessToken> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    const token = await new SignJWT({ client_id: clientId, scope: scopes.join(' '), rate_limit_tier: tier })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid: this.settings.keys.activeKid })
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setSubject(clientId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.settings.ttlSeconds)
      .setJti(randomUUID())
      .sign(this.settings.keys.signingKey);
    return { token, expiresIn: this.settings.ttlSeconds };
  }

  /**
   * Throws InvalidAccessTokenError for any token neither the gateway nor the configured provider issued,
   * or one past its exp; IdentityProviderUnavailableError when the provider's JWKS cannot be fetched.
   */
  async verify(token: string, now: Date = new Date()): Promise<VerifiedAccessToken> {
    const remembered = this.remembered.get(token);
    if (remembered !== undefined && (remembered.recheckAt === undefined || now.getTime() < remembered.recheckAt))
      return this.stillValid(token, remembered, now);
    if (remembered !== undefined) this.remembered.delete(token);
    const checked = this.externalKeys && this.isExternal(token) ? await this.verifyExternal(token, now) : await this.verifyInFull(token, now);
    if (this.remembered.size >= REMEMBERED_TOKENS) this.remembered.delete(this.remembered.keys().next().value as string);
    this.remembered.set(token, checked);
    return checked.verified;
  }

  /** jose's own time checks, on the claims of a token that passed all the others: whole seconds, no tolerance. */
  private stillValid(token: string, remembered: RememberedToken, now: Date): VerifiedAccessToken {
    const seconds = Math.floor(now.getTime() / 1000);
    if (remembered.exp <= seconds) {
      this.remembered.delete(token);
      throw new InvalidAccessTokenError('expired', 'access token has expired');
    }
    if (remembered.nbf !== undefined && remembered.nbf > seconds) {
      throw new InvalidAccessTokenError('invalid', 'access token rejected: ERR_JWT_CLAIM_VALIDATION_FAILED');
    }
    return remembered.verified;
  }

  /** Only routes the token; a malformed one goes to our own verifier, which refuses it. */
  private isExternal(token: string): boolean {
    try {
      return decodeJwt(token).iss === this.settings.external?.issuer;
    } catch {
      return false;
    }
  }

  private async verifyInFull(token: string, now: Date): Promise<RememberedToken> {
    // Pinning the algorithm is what stops `alg: none` and HS256-with-the-public-key confusion.
    const payload = await verifiedPayload(token, this.verificationKeys, {
      algorithms: [SIGNING_ALGORITHM],
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      typ: ACCESS_TOKEN_TYPE,
      currentDate: now,
      requiredClaims: ['iss', 'aud', 'sub', 'exp', 'iat', 'jti', 'client_id', 'scope'],
    });
    const { client_id: clientId, scope, sub, jti, exp, rate_limit_tier: tier = 'standard' } = payload;
    if (typeof clientId !== 'string' || typeof scope !== 'string' || sub !== clientId || typeof jti !== 'string' || exp === undefined) {
      throw new InvalidAccessTokenError('invalid', 'access token claims are malformed');
    }
    if (!RATE_LIMIT_TIERS.includes(tier as RateLimitTier)) throw new InvalidAccessTokenError('invalid', 'access token names an unknown rate limit tier');
    // Frozen: one object answers every later request with this token.
    const verified = Object.freeze({ clientId, scope, tokenId: jti, expiresAt: new Date(exp * 1000), rateLimitTier: tier as RateLimitTier });
    return { verified, exp, ...(payload.nbf !== undefined ? { nbf: payload.nbf } : {}) };
  }

  /**
   * No `typ` check: Keycloak and Auth0 send `JWT`, not `at+jwt`. The audience is what keeps the
   * provider's ID tokens (audience: a client) out. External tokens get the standard rate limit tier.
   */
  private async verifyExternal(token: string, now: Date): Promise<RememberedToken> {
    const external = this.settings.external as ExternalIdpSettings;
    const payload = await verifiedPayload(token, this.externalKeys as JWTVerifyGetKey, {
      algorithms: external.algorithms,
      issuer: external.issuer,
      audience: external.audience,
      currentDate: now,
      requiredClaims: ['iss', 'aud', 'exp'],
    });
    const clientId = externalClientIdOf(payload);
    const scope = mappedScope(payload[external.scopeClaim] ?? '', external.scopeMap);
    if (clientId === undefined || scope === undefined || payload.exp === undefined) {
      throw new InvalidAccessTokenError('invalid', 'external access token claims are malformed');
    }
    const verified = Object.freeze({
      clientId: `${external.clientIdPrefix}${clientId}`,
      scope,
      tokenId: externalTokenIdOf(payload, token),
      expiresAt: new Date(payload.exp * 1000),
      rateLimitTier: 'standard' as const,
    });
    return { verified, exp: payload.exp, recheckAt: now.getTime() + external.jwksCacheMaxAgeMs, ...(payload.nbf !== undefined ? { nbf: payload.nbf } : {}) };
  }
}

async function verifiedPayload(token: string, keys: JWTVerifyGetKey, options: JWTVerifyOptions): Promise<JWTPayload> {
  try {
    return (await jwtVerify(token, keys, options)).payload;
  } catch (error) {
    if (error instanceof IdentityProviderUnavailableError) throw error;
    if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) throw new IdentityProviderUnavailableError(`JWKS unusable: ${error.code}`);
    if (error instanceof errors.JWTExpired) throw new InvalidAccessTokenError('expired', 'access token has expired');
    if (error instanceof errors.JOSEError) throw new InvalidAccessTokenError('invalid', `access token rejected: ${error.code}`);
    // createLocalJWKSet and jwtVerify throw plain TypeErrors on some malformed input (a non-string kid).
    if (error instanceof TypeError) throw new InvalidAccessTokenError('invalid', `access token rejected: ${error.message}`);
    throw error;
  }
}
