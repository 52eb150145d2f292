/**
 * The time source for every scheduling decision (first attempt, retries, the signed timestamp header).
 * Injected so tests can move time forward instead of waiting through the retry schedule.
 */
export class Clock {
  now(): Date {
    return new Date();
  }
}
