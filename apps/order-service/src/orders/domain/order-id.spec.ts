import { newOrderId } from './order-id';

describe('newOrderId', () => {
  it('is ORD- followed by 8 Crockford base32 characters', () => {
    expect(newOrderId()).toMatch(/^ORD-[0-9A-HJKMNP-TV-Z]{8}$/);
  });

  it('draws every character from the injected random source', () => {
    const draws: number[] = [];
    const id = newOrderId((max) => {
      draws.push(max);
      return draws.length - 1;
    });

    expect(id).toBe('ORD-01234567');
    expect(draws).toEqual(Array(8).fill(32));
  });
});
