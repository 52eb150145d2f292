import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { GatewayConfig } from '../../config/gateway.config';
import { GatewayError } from '../../errors/gateway-error';
import { GATEWAY_REDIS } from '../../rate-limit/rate-limit.tokens';
import { isSessionLive, SessionLifetime, sessionEndsAt, SessionTimes } from './domain/session-lifetime';

/** What Redis keeps of a session. The account's name, role and standing are read from the database on every request. */
export interface OperatorSession extends SessionTimes {
  username: string;
  /** The synchronizer token every state-changing request of the session must send as X-CSRF-Token. */
  csrfToken: string;
}

const RETRY_AFTER_SECONDS = '5';

/** 256 random bits, URL- and cookie-safe. */
function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sessionLifetimeOf(config: GatewayConfig): SessionLifetime {
  return { idleTimeoutMs: config.OPERATOR_SESSION_IDLE_TIMEOUT_SECONDS * 1000, maxLifetimeMs: config.OPERATOR_SESSION_MAX_LIFETIME_SECONDS * 1000 };
}

/**
 * Operator sessions in Redis, shared by every gateway replica. A session is stored under the SHA-256 of its id,
 * so what Redis holds (a dump, a replica, MONITOR) cannot be replayed as a cookie. Whether a session is still
 * live is decided by the gateway's clock (session-lifetime.ts); the key's TTL only clears away what nobody comes
 * back for. Redis unreachable is 503: unlike rate limits, sessions cannot fall back to a process of their own.
 */
@Injectable()
export class OperatorSessionRepository {
  readonly lifetime: SessionLifetime;
  private readonly keyPrefix: string;

  constructor(
    @Inject(GATEWAY_REDIS) private readonly redis: Redis,
    config: GatewayConfig,
    @InjectPinoLogger(OperatorSessionRepository.name) private readonly logger: PinoLogger,
  ) {
    this.lifetime = sessionLifetimeOf(config);
    this.keyPrefix = config.OPERATOR_SESSION_KEY_PREFIX;
  }

  /** A new session with a new id and CSRF token: the id goes to the cookie, never anywhere else. */
  async create(username: string, now: Date): Promise<{ sessionId: string; session: OperatorSession }> {
    const sessionId = randomToken();
    const session: OperatorSession = { username, csrfToken: randomToken(), createdAt: now.getTime(), lastSeenAt: now.getTime() };
    await this.store('create', () => this.redis.set(this.key(sessionId), JSON.stringify(session), 'PX', this.ttlMs(session, now), 'NX'));
    return { sessionId, session };
  }

  /** The live session of this id, or undefined; a session found over is deleted. */
  async find(sessionId: string, now: Date): Promise<OperatorSession | undefined> {
    const stored = await this.store('read', () => this.redis.get(this.key(sessionId)));
    if (stored === null) return undefined;
    const session = JSON.parse(stored) as OperatorSession;
    if (isSessionLive(session, this.lifetime, now.getTime())) return session;
    await this.end(sessionId);
    return undefined;
  }

  /** Records a request: the idle timeout starts again. XX: a session signed out meanwhile is not brought back. */
  async touch(sessionId: string, session: OperatorSession, now: Date): Promise<OperatorSession> {
    const touched = { ...session, lastSeenAt: now.getTime() };
    await this.store('touch', () => this.redis.set(this.key(sessionId), JSON.stringify(touched), 'PX', this.ttlMs(touched, now), 'XX'));
    return touched;
  }

  async end(sessionId: string): Promise<void> {
    await this.store('end', () => this.redis.del(this.key(sessionId)));
  }

  private key(sessionId: string): string {
    return `${this.keyPrefix}:${createHash('sha256').update(sessionId).digest('hex')}`;
  }

  /** Until the session would end unless used; at least 1 ms, which Redis requires. */
  private ttlMs(session: OperatorSession, now: Date): number {
    return Math.max(1, sessionEndsAt(session, this.lifetime) - now.getTime());
  }

  private async store<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      this.logger.warn({ err: error, operation }, 'operator session store (Redis) unavailable, answering 503');
      throw new GatewayError('SERVICE_UNAVAILABLE', 'Operator sessions are unavailable; retry shortly', { 'Retry-After': RETRY_AFTER_SECONDS });
    }
  }
}
