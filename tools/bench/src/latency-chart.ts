/**
 * Latency percentiles against offered load, as a self-contained SVG (no chart library: it is a few lines and axes).
 * The solid lines are the admitted orders (every answer but the gateway's shed 503s), i.e. the saga latency;
 * the dashed line is the p50 over every answer, which instant shed 503s pull down, so the gap between the two
 * shows where the gateway refused orders, and the shed count is printed under each such rate.
 */
export interface ChartPoint {
  offeredRate: number;
  admitted: { p50: number; p95: number; p99: number };
  allAnswers: { p50: number };
  shed: number;
}

export interface ChartOptions {
  title: string;
  /** Horizontal reference lines, e.g. the floor (2 × raw round trip) and the p99 target. */
  references?: { label: string; valueMs: number }[];
}

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { left: 70, right: 150, top: 50, bottom: 64 };
const SHED_COLOR = '#c0392b';

interface Series {
  /** The polyline's class, for tests and for styling. */
  name: string;
  legend: string;
  color: string;
  dashed: boolean;
  value(point: ChartPoint): number;
}

const SERIES: readonly Series[] = [
  { name: 'admitted-p50', legend: 'p50 admitted', color: '#2b7bb9', dashed: false, value: (point) => point.admitted.p50 },
  { name: 'admitted-p95', legend: 'p95 admitted', color: '#e08a1e', dashed: false, value: (point) => point.admitted.p95 },
  { name: 'admitted-p99', legend: 'p99 admitted', color: '#c0392b', dashed: false, value: (point) => point.admitted.p99 },
  { name: 'all-p50', legend: 'p50 all answers', color: '#7f8c8d', dashed: true, value: (point) => point.allAnswers.p50 },
];

const plottable = (value: number) => Number.isFinite(value) && value > 0;

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
  // A rate with nothing to draw (every order shed, or no answers) keeps its axis label and shed count.
  const rates = points.filter((point) => Number.isFinite(point.offeredRate));
  const values = rates
    .flatMap((point) => SERIES.map((series) => series.value(point)))
    .filter(plottable)
    .concat((options.references ?? []).map((reference) => reference.valueMs));
  // Latency spans orders of magnitude between light and saturating load, hence a log scale.
  const low = 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...values, 1))));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...values, 10)));
  const maxRate = Math.max(...rates.map((point) => point.offeredRate), 1);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (rate: number) => MARGIN.left + (rate / maxRate) * plotWidth;
  const y = (ms: number) => MARGIN.top + plotHeight - ((Math.log10(ms) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))) * plotHeight;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="14" font-weight="bold">${escape(options.title)}</text>`,
    `<text x="${MARGIN.left}" y="38" font-size="11" fill="#555">solid: admitted orders (the gateway's shed 503s left out); dashed: every answer; red: orders shed</text>`,
  ];
  for (const tick of logTicks(low, high)) {
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end">${fmt(tick)}</text>`);
  }
  for (const point of rates) {
    parts.push(`<text x="${x(point.offeredRate).toFixed(1)}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle">${fmt(point.offeredRate)}</text>`);
    if (point.shed > 0) {
      parts.push(
        `<text class="shed" x="${x(point.offeredRate).toFixed(1)}" y="${MARGIN.top + plotHeight + 32}" text-anchor="middle" fill="${SHED_COLOR}">${point.shed} shed</text>`,
      );
    }
  }
  parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke="#333"/>`);
  parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight}" stroke="#333"/>`);
  parts.push(`<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 10}" text-anchor="middle">offered load (orders/s)</text>`);
  parts.push(
    `<text transform="translate(18 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">POST /api/v1/orders latency (ms, log scale)</text>`,
  );

  for (const reference of options.references ?? []) {
    const level = y(reference.valueMs).toFixed(1);
    parts.push(
      `<line class="reference" x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${level}" y2="${level}" stroke="#777" stroke-dasharray="5 4"/>`,
    );
    parts.push(`<text x="${MARGIN.left + plotWidth + 6}" y="${(Number(level) + 4).toFixed(1)}" fill="#555">${escape(reference.label)}</text>`);
  }
  for (const [index, series] of SERIES.entries()) {
    const dash = series.dashed ? ' stroke-dasharray="6 3"' : '';
    const coordinates = rates
      .filter((point) => plottable(series.value(point)))
      .map((point) => `${x(point.offeredRate).toFixed(1)},${y(series.value(point)).toFixed(1)}`);
    parts.push(`<polyline class="${series.name}" fill="none" stroke="${series.color}" stroke-width="2"${dash} points="${coordinates.join(' ')}"/>`);
    for (const coordinate of coordinates) {
      const [cx, cy] = coordinate.split(',');
      parts.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${series.color}"/>`);
    }
    const legendY = MARGIN.top + 10 + index * 18;
    parts.push(
      `<line x1="${MARGIN.left + plotWidth + 10}" x2="${MARGIN.left + plotWidth + 30}" y1="${legendY}" y2="${legendY}" stroke="${series.color}" stroke-width="2"${dash}/>`,
    );
    parts.push(`<text x="${MARGIN.left + plotWidth + 36}" y="${legendY + 4}">${series.legend}</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
