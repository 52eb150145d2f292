/** Latency percentiles against offered load, as a self-contained SVG (no chart library: it is a few lines and axes). */
export interface ChartPoint {
  offeredRate: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface ChartOptions {
  title: string;
  /** Horizontal reference lines, e.g. the floor (2 × raw round trip) and the p99 target. */
  references?: { label: string; valueMs: number }[];
}

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { left: 70, right: 150, top: 40, bottom: 50 };
const SERIES = [
  { key: 'p50', color: '#2b7bb9' },
  { key: 'p95', color: '#e08a1e' },
  { key: 'p99', color: '#c0392b' },
] as const;

/** 1, 2, 5 × 10^k ticks covering [low, high]. */
export function logTicks(low: number, high: number): number[] {
  const ticks: number[] = [];
  for (let exponent = Math.floor(Math.log10(low)); exponent <= Math.ceil(Math.log10(high)); exponent += 1) {
    for (const mantissa of [1, 2, 5]) {
      const tick = mantissa * 10 ** exponent;
      if (tick >= low && tick <= high) ticks.push(Number(tick.toPrecision(6)));
    }
  }
  return ticks;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));

export function renderLatencyChart(points: ChartPoint[], options: ChartOptions): string {
  const usable = points.filter((point) => [point.p50, point.p95, point.p99].every((value) => Number.isFinite(value) && value > 0));
  const values = usable.flatMap((point) => [point.p50, point.p95, point.p99]).concat((options.references ?? []).map((reference) => reference.valueMs));
  // Latency spans orders of magnitude between light and saturating load, hence a log scale.
  const low = 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...values, 1))));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...values, 10)));
  const maxRate = Math.max(...usable.map((point) => point.offeredRate), 1);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (rate: number) => MARGIN.left + (rate / maxRate) * plotWidth;
  const y = (ms: number) => MARGIN.top + plotHeight - ((Math.log10(ms) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))) * plotHeight;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="14" font-weight="bold">${escape(options.title)}</text>`,
  ];
  for (const tick of logTicks(low, high)) {
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end">${fmt(tick)}</text>`);
  }
  for (const point of usable) {
    parts.push(`<text x="${x(point.offeredRate).toFixed(1)}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle">${fmt(point.offeredRate)}</text>`);
  }
  parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke="#333"/>`);
  parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight}" stroke="#333"/>`);
  parts.push(`<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 10}" text-anchor="middle">offered load (orders/s)</text>`);
  parts.push(`<text transform="translate(18 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">POST /api/v1/orders latency (ms, log scale)</text>`);

  for (const reference of options.references ?? []) {
    const level = y(reference.valueMs).toFixed(1);
    parts.push(`<line class="reference" x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${level}" y2="${level}" stroke="#777" stroke-dasharray="5 4"/>`);
    parts.push(`<text x="${MARGIN.left + plotWidth + 6}" y="${(Number(level) + 4).toFixed(1)}" fill="#555">${escape(reference.label)}</text>`);
  }
  for (const [index, series] of SERIES.entries()) {
    const coordinates = usable.map((point) => `${x(point.offeredRate).toFixed(1)},${y(point[series.key]).toFixed(1)}`);
    parts.push(`<polyline class="${series.key}" fill="none" stroke="${series.color}" stroke-width="2" points="${coordinates.join(' ')}"/>`);
    for (const coordinate of coordinates) {
      const [cx, cy] = coordinate.split(',');
      parts.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${series.color}"/>`);
    }
    const legendY = MARGIN.top + 10 + index * 18;
    parts.push(`<line x1="${MARGIN.left + plotWidth + 10}" x2="${MARGIN.left + plotWidth + 30}" y1="${legendY}" y2="${legendY}" stroke="${series.color}" stroke-width="2"/>`);
    parts.push(`<text x="${MARGIN.left + plotWidth + 36}" y="${legendY + 4}">${series.key}</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
