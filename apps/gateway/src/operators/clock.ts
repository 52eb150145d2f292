/**
 * The time source of operator sessions (idle timeout, absolute lifetime) and of the audit log. Injected, so the
 * integration specs move time forward instead of waiting for a session to expire.
 */
export class Clock {
  now(): Date {
    return new Date();
  }
}
