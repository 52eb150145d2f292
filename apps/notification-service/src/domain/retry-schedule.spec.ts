import { decideAfterAttempt, firstAttemptAt, parseRetryAfter, parseRetrySchedule, scheduleOf } from './retry-schedule';

const SPEC_SCHEDULE = [0, 60, 300, 1800, 7200];
const now = new Date('2025-01-15T10:00:00.000Z');
const plusSeconds = (seconds: number) => new Date(now.getTime() + seconds * 1000);

describe('parseRetrySchedule', () => {
  it("reads the spec's schedule: immediately, 1 minute, 5 minutes, 30 minutes, 2 hours", () => {
    expect(parseRetrySchedule('0,60,300,1800,7200')).toEqual(SPEC_SCHEDULE);
  });

  it('tolerates spaces around entries', () => {
    expect(parseRetrySchedule(' 0, 60 ,300 ')).toEqual([0, 60, 300]);
  });

  it.each(['', '0,,60', '0,-60', '0,1.5', '0,1m', '0,604801'])('rejects %p', (text) => {
    expect(() => parseRetrySchedule(text)).toThrow();
  });

  it('rejects more than 20 attempts', () => {
    expect(() => parseRetrySchedule(Array.from({ length: 21 }, () => '1').join(','))).toThrow(/at most 20/);
  });
});

describe('retry schedule', () => {
  it('makes the first attempt after the first delay, immediately for the spec schedule', () => {
    expect(firstAttemptAt(SPEC_SCHEDULE, now)).toEqual(now);
    expect(firstAttemptAt([30, 60], now)).toEqual(plusSeconds(30));
  });

  it.each([
    [1, 60],
    [2, 300],
    [3, 1800],
    [4, 7200],
  ])('after failed attempt %i waits %i seconds', (attemptsMade, delay) => {
    expect(decideAfterAttempt(SPEC_SCHEDULE, attemptsMade, { succeeded: false }, now)).toEqual({ status: 'pending', nextAttemptAt: plusSeconds(delay) });
  });

  it('gives up after the fifth failed attempt', () => {
    expect(decideAfterAttempt(SPEC_SCHEDULE, 5, { succeeded: false }, now)).toEqual({ status: 'failed', reason: 'exhausted' });
  });

  it('stops retrying once an attempt succeeded, whichever attempt it was', () => {
    expect(decideAfterAttempt(SPEC_SCHEDULE, 1, { succeeded: true }, now)).toEqual({ status: 'succeeded' });
    expect(decideAfterAttempt(SPEC_SCHEDULE, 5, { succeeded: true }, now)).toEqual({ status: 'succeeded' });
  });

  it('gives up at once when the receiver answered 410 Gone, even with attempts left', () => {
    expect(decideAfterAttempt(SPEC_SCHEDULE, 1, { succeeded: false, gone: true }, now)).toEqual({ status: 'failed', reason: 'gone' });
  });

  it('waits for a Retry-After longer than the scheduled delay', () => {
    expect(decideAfterAttempt(SPEC_SCHEDULE, 1, { succeeded: false, retryAfterSeconds: 120 }, now)).toEqual({
      status: 'pending',
      nextAttemptAt: plusSeconds(120),
    });
  });

  it('keeps the scheduled delay when Retry-After asks for less', () => {
    expect(decideAfterAttempt(SPEC_SCHEDULE, 2, { succeeded: false, retryAfterSeconds: 5 }, now)).toEqual({
      status: 'pending',
      nextAttemptAt: plusSeconds(300),
    });
  });

  it('does not let Retry-After park a delivery beyond the longest accepted delay', () => {
    expect(decideAfterAttempt(SPEC_SCHEDULE, 1, { succeeded: false, retryAfterSeconds: 10 ** 9 }, now)).toEqual({
      status: 'pending',
      nextAttemptAt: plusSeconds(7 * 24 * 3600),
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
  });

  it('reads an HTTP date as the seconds until then', () => {
    expect(parseRetryAfter(new Date(now.getTime() + 90_000).toUTCString(), now)).toBe(90);
  });

  it.each([null, '', 'soon', '-5', '1.5'])('ignores %p', (header) => {
    expect(parseRetryAfter(header, now)).toBeNull();
  });
});

describe("an operator's test event", () => {
  it('is sent once: a failed first attempt fails it, where an order event waits a minute', () => {
    const failed = { succeeded: false };

    expect(decideAfterAttempt(scheduleOf('webhook.test', SPEC_SCHEDULE), 1, failed, now)).toEqual({ status: 'failed', reason: 'exhausted' });
    expect(decideAfterAttempt(scheduleOf('order.created', SPEC_SCHEDULE), 1, failed, now)).toEqual({ status: 'pending', nextAttemptAt: plusSeconds(60) });
  });

  it('gets one attempt again when an operator resends it, and no retry after that', () => {
    expect(decideAfterAttempt(scheduleOf('webhook.test', SPEC_SCHEDULE), 2, { succeeded: false }, now)).toEqual({ status: 'failed', reason: 'exhausted' });
    expect(decideAfterAttempt(scheduleOf('webhook.test', SPEC_SCHEDULE), 2, { succeeded: true }, now)).toEqual({ status: 'succeeded' });
  });
});
