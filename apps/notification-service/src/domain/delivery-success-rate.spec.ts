import { deliverySuccessRate } from './delivery-success-rate';

describe('deliverySuccessRate', () => {
  it.each([
    [{ succeeded: 3, failed: 1 }, 0.75],
    [{ succeeded: 5, failed: 0 }, 1],
    [{ succeeded: 0, failed: 2 }, 0],
    [{ succeeded: 1, failed: 2 }, 1 / 3],
  ])('is succeeded / (succeeded + failed): %j gives %d', (counts, rate) => {
    expect(deliverySuccessRate(counts)).toBe(rate);
  });

  it('leaves pending and cancelled deliveries out: they neither succeeded nor failed', () => {
    expect(deliverySuccessRate({ succeeded: 1, failed: 1, pending: 8, cancelled: 3 } as { succeeded: number; failed: number })).toBe(0.5);
  });

  it('has no rate (null, not 0 or 1) when nothing settled', () => {
    expect(deliverySuccessRate({ succeeded: 0, failed: 0 })).toBeNull();
  });
});
