import { Box, linePath, niceTicks, stackedBars } from './chart-geometry';

const BOX: Box = { width: 140, height: 120, left: 20, right: 0, top: 20, bottom: 0 };

describe('niceTicks', () => {
  it.each([
    [7, [0, 2, 4, 6, 8]],
    [10, [0, 2.5, 5, 7.5, 10]],
    [1234, [0, 500, 1000, 1500]],
    [0, [0, 1]],
  ])('for a maximum of %d gives %j', (max, ticks) => {
    expect(niceTicks(max)).toEqual(ticks);
  });

  it('counts get whole steps only', () => {
    expect(niceTicks(2, 4, true)).toEqual([0, 1, 2]);
    expect(niceTicks(10, 4, true)).toEqual([0, 5, 10]);
  });
});

describe('stackedBars', () => {
  it('stacks each column’s values bottom-up in the keys’ order, on a scale topped by the next tick above the highest column', () => {
    const { bars, ticks, columnWidth } = stackedBars(
      [
        { confirmed: 3, rejected: 1 },
        { confirmed: 0, rejected: 0 },
        { confirmed: 2, rejected: 2 },
      ],
      ['confirmed', 'rejected'],
      BOX,
    );

    expect(ticks).toEqual([0, 1, 2, 3, 4]);
    expect(columnWidth).toBe(40);
    // Plot height 100 for a scale of 4: 25 units per saga; the empty column draws nothing.
    expect(bars.map(({ key, column, y, height }) => ({ key, column, y, height }))).toEqual([
      { key: 'confirmed', column: 0, y: 45, height: 75 },
      { key: 'rejected', column: 0, y: 20, height: 25 },
      { key: 'confirmed', column: 2, y: 70, height: 50 },
      { key: 'rejected', column: 2, y: 20, height: 50 },
    ]);
    expect(bars[2].x).toBe(20 + 2 * 40 + 1);
  });
});

describe('linePath', () => {
  it('draws through the columns’ centres and breaks where a minute has no value; a lone value stays visible', () => {
    expect(linePath([100, 50, null, 25], 100, BOX)).toBe('M35 20 L65 70 M125 95 h0.01');
  });
});
