import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

/** RFC 9068's media type, so a token of another kind (an ID token, say) signed by the same key is refused. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
const ALGORITHM = 'HS256';
/** The protection space named in the gateway's WWW-Authenticate challenges (Basic and Bearer alike). */
export const REALM = 'order-saga';

export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
  /**
   * The shared HMAC key. Moving to RFC 9068 asymmetric keys (and publishing a JWKS) replaces this
   * with a signing key and a verification key set; callers of issue/verify do not change.
   */
  secret: string;
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

/** Issues and verifies the gateway's JWT access tokens (RFC 9068 claim set). */
export class AccessTokens {
  private readonly key: Uint8Array;

  constructor(private readonly settings: AccessTokenSettings) {
    this.key = new TextEncoder().encode(settings.secret);
  }

  async issue(clientId: string, scopes: readonly string[], now: Date = new Date()): Promise<IssuedAccessToken> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    const token = await new SignJWT({ client_id: clientId, scope: scopes.join(' ') })
      .setProtectedHeader({ alg: ALGORITHM, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setSubject(clientId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.settings.ttlSeconds)
      .setJti(randomUUID())
      .sign(this.key);
    return { token, expiresIn: this.settings.ttlSeconds };
  }

  /** Throws InvalidAccessTokenError for any token the gateway would not have issued, or one past its exp. */
  async verify(token: string, now: Date = new Date()): Promise<VerifiedAccessToken> {
    let payload;
    try {
      // Pinning the algorithm is what stops `alg: none` and algorithm-confusion tokens.
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        typ: ACCESS_TOKEN_TYPE,
        currentDate: now,
        requiredClaims: ['iss', 'aud', 'sub', 'exp', 'iat', 'jti', 'client_id', 'scope'],
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new InvalidAccessTokenError('expired', 'access token has expired');
      if (error instanceof errors.JOSEError) throw new InvalidAccessTokenError('invalid', `access token rejected: ${error.code}`);
      throw error;
    }
    const { client_id: clientId, scope, sub, jti, exp } = payload;
    if (typeof clientId !== 'string' || typeof scope !== 'string' || sub !== clientId || typeof jti !== 'string' || exp === undefined) {
      throw new InvalidAccessTokenError('invalid', 'access token claims are malformed');
    }
    return { clientId, scope, tokenId: jti, expiresAt: new Date(exp * 1000) };
  }
}
