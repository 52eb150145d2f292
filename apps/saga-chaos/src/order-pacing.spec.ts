import { startOffsetMs } from './order-driver';
import { drivingRate } from './report';

describe('order pacing', () => {
  it('starts order i at i / rate in the open loop', () => {
    expect(startOffsetMs(0, 50)).toBe(0);
    expect(startOffsetMs(1, 50)).toBe(20);
    expect(startOffsetMs(1999, 50)).toBe(39_980);
  });

  it('starts every order at once in the closed loop, leaving the pace to the free slots', () => {
    expect(startOffsetMs(1999, undefined)).toBe(0);
  });

  it('reports the rate asked for next to the one achieved and how late the starts were', () => {
    expect(drivingRate({ offeredRate: 50, achievedRate: 49.84, maxStartLagMs: 1500, maxInFlight: 812, concurrency: 4000 })).toBe(
      '50/s asked, 49.8/s achieved; worst start 1.5 s behind its due time; up to 812 orders in flight (cap 4000)',
    );
    expect(drivingRate({ achievedRate: 5.2, maxStartLagMs: 0, maxInFlight: 12, concurrency: 12 })).toBe('5.2/s achieved by 12 closed-loop clients (no --rate)');
  });
});
