import { logTicks, renderLatencyChart } from './latency-chart';

describe('latency chart', () => {
  const points = [
    { offeredRate: 25, p50: 40, p95: 80, p99: 120 },
    { offeredRate: 100, p50: 60, p95: 150, p99: 400 },
    { offeredRate: 300, p50: 900, p95: 4000, p99: 7000 },
  ];

  it('draws one line per percentile through every rate', () => {
    const svg = renderLatencyChart(points, { title: 'bench' });

    for (const series of ['p50', 'p95', 'p99']) {
      const line = new RegExp(`<polyline class="${series}"[^>]* points="([^"]+)"`).exec(svg);
      expect(line?.[1].split(' ')).toHaveLength(3);
    }
    expect(svg).toContain('offered load (orders/s)');
  });

  it('puts a higher latency higher on the chart (smaller y)', () => {
    const svg = renderLatencyChart(points, { title: 'bench' });
    const p99 = /<polyline class="p99"[^>]* points="([^"]+)"/.exec(svg)?.[1].split(' ').map((pair) => Number(pair.split(',')[1])) ?? [];

    expect(p99[0]).toBeGreaterThan(p99[1]);
    expect(p99[1]).toBeGreaterThan(p99[2]);
  });

  it('labels the reference lines and escapes the text', () => {
    const svg = renderLatencyChart(points, { title: 'a < b', references: [{ label: 'floor 2×RTT', valueMs: 12 }] });

    expect(svg).toContain('a &lt; b');
    expect(svg).toContain('floor 2×RTT');
    expect(svg.match(/class="reference"/g)).toHaveLength(1);
  });

  it('leaves out a rate whose percentiles are unknown instead of drawing NaN', () => {
    const svg = renderLatencyChart([...points, { offeredRate: 400, p50: Number.NaN, p95: Number.NaN, p99: Number.NaN }], { title: 'bench' });

    expect(svg).not.toContain('NaN');
  });

  it('spaces log ticks as 1, 2, 5 per decade', () => {
    expect(logTicks(10, 1000)).toEqual([10, 20, 50, 100, 200, 500, 1000]);
  });
});
