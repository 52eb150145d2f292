import { accountAllowsSession, isSessionLive, sessionEndsAt } from './session-lifetime';

const lifetime = { idleTimeoutMs: 30 * 60_000, maxLifetimeMs: 12 * 3600_000 };
const signedIn = Date.parse('2026-01-01T08:00:00Z');

describe('operator session lifetime', () => {
  it('ends a session the idle timeout after its last request', () => {
    const times = { createdAt: signedIn, lastSeenAt: signedIn + 60_000 };

    expect(sessionEndsAt(times, lifetime)).toBe(signedIn + 60_000 + lifetime.idleTimeoutMs);
    expect(isSessionLive(times, lifetime, signedIn + 60_000 + lifetime.idleTimeoutMs - 1)).toBe(true);
    expect(isSessionLive(times, lifetime, signedIn + 60_000 + lifetime.idleTimeoutMs)).toBe(false);
  });

  it('ends a session at its absolute lifetime however recent its last request', () => {
    const times = { createdAt: signedIn, lastSeenAt: signedIn + lifetime.maxLifetimeMs - 1000 };

    expect(sessionEndsAt(times, lifetime)).toBe(signedIn + lifetime.maxLifetimeMs);
    expect(isSessionLive(times, lifetime, signedIn + lifetime.maxLifetimeMs - 1)).toBe(true);
    expect(isSessionLive(times, lifetime, signedIn + lifetime.maxLifetimeMs)).toBe(false);
  });

  it('keeps a session of an enabled account whose password is older than the session', () => {
    expect(accountAllowsSession({ disabledAt: null, passwordChangedAt: new Date(signedIn - 1) }, { createdAt: signedIn, lastSeenAt: signedIn })).toBe(true);
    expect(accountAllowsSession({ disabledAt: null, passwordChangedAt: new Date(signedIn) }, { createdAt: signedIn, lastSeenAt: signedIn })).toBe(true);
  });

  it('ends the sessions of a disabled account and those older than a new password', () => {
    const times = { createdAt: signedIn, lastSeenAt: signedIn + 5000 };

    expect(accountAllowsSession({ disabledAt: new Date(signedIn + 1000), passwordChangedAt: new Date(signedIn - 1) }, times)).toBe(false);
    expect(accountAllowsSession({ disabledAt: null, passwordChangedAt: new Date(signedIn + 1) }, times)).toBe(false);
  });
});
