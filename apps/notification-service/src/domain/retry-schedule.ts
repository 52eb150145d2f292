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

export function firstAttemptAt(scheduleSeconds: readonly number[], now: Date): Date {
  return addSeconds(now, scheduleSeconds[0]);
}

export type DeliveryDecision =
  | { status: 'succeeded' }
  | { status: 'pending'; nextAttemptAt: Date }
  | { status: 'failed' };

/** What becomes of a delivery once `attemptsMade` attempts (this one included) have been made. */
export function decideAfterAttempt(
  scheduleSeconds: readonly number[],
  attemptsMade: number,
  succeeded: boolean,
  now: Date,
): DeliveryDecision {
  if (succeeded) return { status: 'succeeded' };
  if (attemptsMade >= scheduleSeconds.length) return { status: 'failed' };
  return { status: 'pending', nextAttemptAt: addSeconds(now, scheduleSeconds[attemptsMade]) };
}

function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}
