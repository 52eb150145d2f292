import { ChartPoint, logTicks, renderLatencyChart } from './latency-chart';

/** y coordinates of one polyline, in the order of its points. */
function polylineYs(svg: string, name: string): number[] {
  const points = new RegExp(`<polyline class="${name}"[^>]* points="([^"]*)"`).exec(svg)?.[1] ?? '';
  return points === '' ? [] : points.split(' ').map((pair) => Number(pair.split(',')[1]));
}

describe('latency chart', () => {
  const points: ChartPoint[] = [
    { offeredRate: 25, admitted: { p50: 40, p95: 80, p99: 120 }, allAnswers: { p50: 40 }, shed: 0 },
    { offeredRate: 100, admitted: { p50: 60, p95: 150, p99: 400 }, allAnswers: { p50: 60 }, shed: 0 },
    { offeredRate: 300, admitted: { p50: 900, p95: 4000, p99: 7000 }, allAnswers: { p50: 900 }, shed: 0 },
  ];

  it("draws the admitted orders' p50, p95 and p99 and every answer's p50 through every rate", () => {
    const svg = renderLatencyChart(points, { title: 'bench' });

    for (const series of ['admitted-p50', 'admitted-p95', 'admitted-p99', 'all-p50']) {
      expect(polylineYs(svg, series)).toHaveLength(3);
    }
    expect(svg).toContain('offered load (orders/s)');
    expect(svg).toContain('p99 admitted');
    expect(svg).toContain('p50 all answers');
  });

  it('puts a higher latency higher on the chart (smaller y)', () => {
    const p99 = polylineYs(renderLatencyChart(points, { title: 'bench' }), 'admitted-p99');

    expect(p99[0]).toBeGreaterThan(p99[1]);
    expect(p99[1]).toBeGreaterThan(p99[2]);
  });

  it('keeps the admitted p50 up where the sagas are while instant shed 503s pull the all-answers p50 down, and prints the shed count', () => {
    const shedding: ChartPoint = { offeredRate: 50, admitted: { p50: 1500, p95: 3000, p99: 4000 }, allAnswers: { p50: 2 }, shed: 399 };
    const svg = renderLatencyChart([points[0], shedding], { title: 'bench' });

    expect(polylineYs(svg, 'admitted-p50')[1]).toBeLessThan(polylineYs(svg, 'all-p50')[1]);
    expect(svg).toContain('>399 shed</text>');
    expect(svg.match(/class="shed"/g)).toHaveLength(1);
  });

  it('labels the reference lines and escapes the text', () => {
    const svg = renderLatencyChart(points, { title: 'a < b', references: [{ label: 'floor 2×RTT', valueMs: 12 }] });

    expect(svg).toContain('a &lt; b');
    expect(svg).toContain('floor 2×RTT');
    expect(svg.match(/class="reference"/g)).toHaveLength(1);
  });

  it('leaves out a rate that admitted nothing from the admitted lines instead of drawing NaN, and still shows its shed count', () => {
    const allShed: ChartPoint = { offeredRate: 400, admitted: { p50: Number.NaN, p95: Number.NaN, p99: Number.NaN }, allAnswers: { p50: 1.2 }, shed: 8000 };
    const svg = renderLatencyChart([...points, allShed], { title: 'bench' });

    expect(svg).not.toContain('NaN');
    expect(polylineYs(svg, 'admitted-p50')).toHaveLength(3);
    expect(polylineYs(svg, 'all-p50')).toHaveLength(4);
    expect(svg).toContain('>8000 shed</text>');
  });

  it('spaces log ticks as 1, 2, 5 per decade', () => {
    expect(logTicks(10, 1000)).toEqual([10, 20, 50, 100, 200, 500, 1000]);
  });
});
