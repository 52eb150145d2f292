import { SeededRandom } from './seeded-random';

describe('SeededRandom', () => {
  it('replays the same sequence for the same seed', () => {
    const first = new SeededRandom(42);
    const second = new SeededRandom(42);
    const a = Array.from({ length: 20 }, () => first.int(0, 1000));
    const b = Array.from({ length: 20 }, () => second.int(0, 1000));

    expect(a).toEqual(b);
    expect(new Set(a).size).toBeGreaterThan(10);
  });

  it('gives a different sequence for another seed', () => {
    const a = Array.from(
      { length: 10 },
      (
        (r) => () =>
          r.next()
      )(new SeededRandom(1)),
    );
    const b = Array.from(
      { length: 10 },
      (
        (r) => () =>
          r.next()
      )(new SeededRandom(2)),
    );

    expect(a).not.toEqual(b);
  });

  it('keeps int() within its inclusive bounds and reaches both ends', () => {
    const random = new SeededRandom(7);
    const values = Array.from({ length: 2000 }, () => random.int(3, 6));

    expect(Math.min(...values)).toBe(3);
    expect(Math.max(...values)).toBe(6);
  });
});
