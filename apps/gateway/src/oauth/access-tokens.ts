import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, errors, JWTVerifyGetKey, jwtVerify, SignJWT } from 'jose';
import { RateLimitTier, RATE_LIMIT_TIERS } from '../rate-limit/rate-limit.policy';
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
 * Issues and verifies the gateway's JWT access tokens: RFC 9068 claims, ES256, `kid` in the header.
 * Verification accepts every key of the key file, so tokens signed before a rotation stay valid.
 */
export class AccessTokens {
  private readonly verificationKeys: JWTVerifyGetKey;

  constructor(private readonly settings: AccessTokenSettings) {
    this.verificationKeys = createLocalJWKSet(settings.keys.jwks);
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

  /** Throws InvalidAccessTokenError for any token the gateway would not have issued, or one past its exp. */
  async verify(token: string, now: Date = new Date()): Promise<VerifiedAccessToken> {
    let payload;
    try {
      // Pinning the algorithm is what stops `alg: none` and HS256-with-the-public-key confusion.
      ({ payload } = await jwtVerify(token, this.verificationKeys, {
        algorithms: [SIGNING_ALGORITHM],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        typ: ACCESS_TOKEN_TYPE,
        currentDate: now,
        requiredClaims: ['iss', 'aud', 'sub', 'exp', 'iat', 'jti', 'client_id', 'scope'],
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new InvalidAccessTokenError('expired', 'access token has expired');
      if (error instanceof errors.JOSEError) throw new InvalidAccessTokenError('invalid', `access token rejected: ${error.code}`);
      // createLocalJWKSet and jwtVerify throw plain TypeErrors on some malformed input (a non-string kid).
      if (error instanceof TypeError) throw new InvalidAccessTokenError('invalid', `access token rejected: ${error.message}`);
      throw error;
    }
    const { client_id: clientId, scope, sub, jti, exp, rate_limit_tier: tier = 'standard' } = payload;
    if (typeof clientId !== 'string' || typeof scope !== 'string' || sub !== clientId || typeof jti !== 'string' || exp === undefined) {
      throw new InvalidAccessTokenError('invalid', 'access token claims are malformed');
    }
    if (!RATE_LIMIT_TIERS.includes(tier as RateLimitTier)) throw new InvalidAccessTokenError('invalid', 'access token names an unknown rate limit tier');
    return { clientId, scope, tokenId: jti, expiresAt: new Date(exp * 1000), rateLimitTier: tier as RateLimitTier };
  }
}
