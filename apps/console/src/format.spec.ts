import { formatRate } from './format';

describe('formatRate', () => {
  it.each([
    [0.975, '97.5%'],
    [2 / 3, '66.7%'],
    [0.5, '50.0%'],
    [1, '100%'],
    [0, '0%'],
  ])('reads %d as %s', (rate, text) => {
    expect(formatRate(rate)).toBe(text);
  });

  it('never rounds a failure away, nor a success: only 1 is 100% and only 0 is 0%', () => {
    expect(formatRate(0.99999)).toBe('99.9%');
    expect(formatRate(0.00001)).toBe('0.1%');
  });

  it('has a dash for no rate (nothing settled)', () => {
    expect(formatRate(null)).toBe('—');
  });
});
