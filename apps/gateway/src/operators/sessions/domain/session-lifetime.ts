/** How long an operator session lives: ended by an idle gap or by its age, whichever comes first. */
export interface SessionLifetime {
  idleTimeoutMs: number;
  maxLifetimeMs: number;
}

/** A session's two times, epoch milliseconds by the gateway's clock. */
export interface SessionTimes {
  createdAt: number;
  lastSeenAt: number;
}

/** When the session ends unless a request comes first: the idle timeout after the last request, never past its absolute end. */
export function sessionEndsAt(times: SessionTimes, lifetime: SessionLifetime): number {
  return Math.min(times.lastSeenAt + lifetime.idleTimeoutMs, absoluteEndOf(times, lifetime));
}

export function absoluteEndOf(times: SessionTimes, lifetime: SessionLifetime): number {
  return times.createdAt + lifetime.maxLifetimeMs;
}

/** The end is exclusive: a request exactly at it finds the session over. */
export function isSessionLive(times: SessionTimes, lifetime: SessionLifetime, now: number): boolean {
  return now < sessionEndsAt(times, lifetime);
}

/** What the account must still be for a session of it to go on. */
export interface AccountStanding {
  disabledAt: Date | null;
  passwordChangedAt: Date;
}

/**
 * A disabled account ends its sessions, and so does a new password: whoever signed in with the old one (the
 * reason for changing it, often) is out at the next request.
 */
export function accountAllowsSession(account: AccountStanding, times: SessionTimes): boolean {
  return account.disabledAt === null && account.passwordChangedAt.getTime() <= times.createdAt;
}
