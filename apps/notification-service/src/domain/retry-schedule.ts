import { WEBHOOK_TEST_EVENT_TYPE } from '@order-saga/contracts';

/** Longest single delay accepted; a typo like 72000000 should fail at boot, not park a delivery for years. */
const MAX_DELAY_SECONDS = 7 * 24 * 3600;
const MAX_ATTEMPTS = 20;

/**
 * Parses `0,60,300,1800,7200`: entry N is the delay before attempt N+1, the first measured from when the
 * event arrived, every later one from when the previous attempt failed. Its length is the number of attempts.
 */
export function parseRetrySchedule(text: string): number[] {
  const entries = text.split(',').map((entry) => entry.trim());
  if (entries.length > MAX_ATTEMPTS) {
    throw new Error(`a retry schedule has at most ${MAX_ATTEMPTS} attempts, got ${entries.length}`);
  }
  return entries.map((entry) => {
    if (!/^\d+$/.test(entry)) throw new Error(`"${entry}" is not a whole number of seconds`);
    const seconds = Number(entry);
    if (seconds > MAX_DELAY_SECONDS) throw new Error(`${seconds}s exceeds the maximum delay of ${MAX_DELAY_SECONDS}s`);
    return seconds;
  });
}

/**
 * The schedule a delivery follows: the configured one, except for an operator's test event, which is sent
 * once (a manual resend adds one more): the operator reads its attempt, and a receiver that did not take it
 * is not knocked on for hours for an event nobody subscribed to.
 */
export function scheduleOf(eventType: string, configured: readonly number[]): readonly number[] {
  return eventType === WEBHOOK_TEST_EVENT_TYPE ? TEST_EVENT_SCHEDULE : configured;
}

const TEST_EVENT_SCHEDULE: readonly number[] = [0];

export function firstAttemptAt(scheduleSeconds: readonly number[], now: Date): Date {
  return addSeconds(now, scheduleSeconds[0]);
}

export type DeliveryDecision = { status: 'succeeded' } | { status: 'pending'; nextAttemptAt: Date } | { status: 'failed'; reason: 'exhausted' | 'gone' };

export interface AttemptOutcome {
  succeeded: boolean;
  /** 410 Gone: the receiver says the endpoint no longer exists, so retrying is pointless. */
  gone?: boolean;
  /** A 429/503 Retry-After, in seconds: the next attempt comes no earlier than that. */
  retryAfterSeconds?: number | null;
}

/** What becomes of a delivery once `attemptsMade` attempts (this one included) have been made. */
export function decideAfterAttempt(scheduleSeconds: readonly number[], attemptsMade: number, outcome: AttemptOutcome, now: Date): DeliveryDecision {
  if (outcome.succeeded) return { status: 'succeeded' };
  if (outcome.gone) return { status: 'failed', reason: 'gone' };
  if (attemptsMade >= scheduleSeconds.length) return { status: 'failed', reason: 'exhausted' };
  // A receiver may ask for more time than the schedule gives, never for less: the schedule still bounds the load.
  const retryAfter = Math.min(outcome.retryAfterSeconds ?? 0, MAX_DELAY_SECONDS);
  return { status: 'pending', nextAttemptAt: addSeconds(now, Math.max(scheduleSeconds[attemptsMade], retryAfter)) };
}

/**
 * Seconds asked for by a Retry-After header, either delta-seconds or an HTTP date (RFC 9110 §10.2.3);
 * null when absent or unreadable, in which case the schedule alone decides.
 */
export function parseRetryAfter(header: string | null | undefined, now: Date): number | null {
  if (!header) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text);
  // IMF-fixdate only (Sun, 06 Nov 1994 08:49:37 GMT): Date.parse alone would read "1.5" as a date.
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return null;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}

function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}
