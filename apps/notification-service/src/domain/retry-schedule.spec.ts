import { decideAfterAttempt, firstAttemptAt, parseRetrySchedule } from './retry-schedule';

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
    expect(decideAfterAttempt(SPEC_SCHEDULE, attemptsMade, false, now)).toEqual({ status: 'pending', nextAttemptAt: plusSeconds(delay) });
  });

  it('gives up after the fifth failed attempt', () => {
    expect(decideAfterAttempt(SPEC_SCHEDULE, 5, false, now)).toEqual({ status: 'failed' });
  });

  it('stops retrying once an attempt succeeded, whichever attempt it was', () => {
    expect(decideAfterAttempt(SPEC_SCHEDULE, 1, true, now)).toEqual({ status: 'succeeded' });
    expect(decideAfterAttempt(SPEC_SCHEDULE, 5, true, now)).toEqual({ status: 'succeeded' });
  });
});
