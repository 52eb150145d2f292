import type { SagaFiguresMinuteResponseDto, SagaOutcome, WebhookFiguresMinuteResponseDto } from '@order-saga/contracts/http/operator';
import { formatRate } from '../format';
import { formatDuration } from '../timeline/timeline-layout';
import { Box, linePath, linePoints, niceTicks, StackedBar, stackedBars, yScale } from './chart-geometry';

/** Drawn bottom-up in this order; the colours are the badges' (styles.css). */
export const OUTCOMES: { key: SagaOutcome; label: string }[] = [
  { key: 'confirmed', label: 'Confirmed' },
  { key: 'rejected', label: 'Rejected' },
  { key: 'compensated', label: 'Compensated' },
  { key: 'timed_out', label: 'Timed out' },
  { key: 'cancelled', label: 'Cancelled' },
];

/** A webhook delivery's status now, drawn bottom-up in this order (styles.css: fill-delivery-<key>). */
export const DELIVERY_STATUSES: { key: keyof WebhookFiguresMinuteResponseDto['deliveries']; label: string }[] = [
  { key: 'succeeded', label: 'Succeeded' },
  { key: 'failed', label: 'Failed' },
  { key: 'pending', label: 'Pending' },
  { key: 'cancelled', label: 'Cancelled' },
];

const BOX: Box = { width: 720, height: 220, left: 60, right: 8, top: 10, bottom: 26 };

const minuteLabel = (iso: string) => {
  const date = new Date(iso);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
};

/** Every n-th minute gets a label, about six across. */
function XAxis({ minutes }: { minutes: readonly { minute: string }[] }) {
  const width = (BOX.width - BOX.left - BOX.right) / Math.max(minutes.length, 1);
  const every = Math.max(1, Math.ceil(minutes.length / 6));
  return (
    <g class="axis">
      <line x1={BOX.left} x2={BOX.width - BOX.right} y1={BOX.height - BOX.bottom} y2={BOX.height - BOX.bottom} />
      {minutes.map((minute, index) =>
        index % every === 0 ? (
          <text key={minute.minute} x={BOX.left + (index + 0.5) * width} y={BOX.height - 8} text-anchor="middle">
            {minuteLabel(minute.minute)}
          </text>
        ) : null,
      )}
    </g>
  );
}

function YAxis({ ticks, format }: { ticks: number[]; format: (value: number) => string }) {
  const y = yScale(ticks[ticks.length - 1], BOX);
  return (
    <g class="axis">
      {ticks.map((tick) => (
        <g key={tick}>
          <line class="grid" x1={BOX.left} x2={BOX.width - BOX.right} y1={y(tick)} y2={y(tick)} />
          <text x={BOX.left - 6} y={y(tick) + 4} text-anchor="end">
            {format(tick)}
          </text>
        </g>
      ))}
    </g>
  );
}

/**
 * Counts per minute stacked bottom-up in the order of `keys`, each bar coloured by its class (`fillOf`) with a
 * tooltip (`titleOf`, after the minute); the SVG's label says the total.
 */
function StackedMinutesChart<K extends string>({
  minutes,
  columns,
  keys,
  label,
  fillOf,
  titleOf,
}: {
  minutes: readonly { minute: string }[];
  columns: readonly Record<K, number>[];
  keys: readonly K[];
  label: string;
  fillOf: (key: K) => string;
  titleOf: (bar: StackedBar<K>) => string;
}) {
  const { bars, ticks } = stackedBars(columns, keys, BOX);
  const total = columns.reduce((sum, column) => sum + keys.reduce((inner, key) => inner + column[key], 0), 0);
  return (
    <svg class="chart" viewBox={`0 0 ${BOX.width} ${BOX.height}`} role="img" aria-label={`${label}: ${total} over ${minutes.length} minutes`}>
      <YAxis ticks={ticks} format={(value) => String(value)} />
      {bars.map((bar) => (
        <rect key={`${bar.column}-${bar.key}`} class={fillOf(bar.key)} x={bar.x} y={bar.y} width={bar.width} height={bar.height}>
          <title>{`${minuteLabel(minutes[bar.column].minute)}: ${titleOf(bar)}`}</title>
        </rect>
      ))}
      <XAxis minutes={minutes} />
    </svg>
  );
}

/** Sagas that ended per minute, stacked by outcome. */
export function OutcomesChart({ minutes }: { minutes: readonly SagaFiguresMinuteResponseDto[] }) {
  return (
    <StackedMinutesChart
      minutes={minutes}
      columns={minutes.map((minute) => minute.outcomes)}
      keys={OUTCOMES.map((outcome) => outcome.key)}
      label="Sagas ended per minute, by outcome"
      fillOf={(key) => `fill-${key}`}
      titleOf={(bar) => `${bar.value} ${bar.key.replace('_', ' ')}`}
    />
  );
}

/** Median and 99th percentile of the durations of the sagas that ended each minute. */
export function DurationsChart({ minutes }: { minutes: readonly SagaFiguresMinuteResponseDto[] }) {
  const p50 = minutes.map((minute) => minute.duration_p50_ms);
  const p99 = minutes.map((minute) => minute.duration_p99_ms);
  const ticks = niceTicks(Math.max(0, ...p99.map((value) => value ?? 0), ...p50.map((value) => value ?? 0)));
  const max = ticks[ticks.length - 1];
  return (
    <svg class="chart" viewBox={`0 0 ${BOX.width} ${BOX.height}`} role="img" aria-label="Saga duration per minute: median and 99th percentile">
      <YAxis ticks={ticks} format={(value) => formatDuration(value)} />
      {[
        { name: 'p99', values: p99 },
        { name: 'p50', values: p50 },
      ].map((series) => (
        <g key={series.name}>
          <path class={`line line-${series.name}`} d={linePath(series.values, max, BOX)} />
          {linePoints(series.values, max, BOX).map((point) => (
            <circle key={point.index} class={`dot dot-${series.name}`} cx={point.x} cy={point.y} r={3.5}>
              <title>{`${minuteLabel(minutes[point.index].minute)}: ${series.name} ${formatDuration(series.values[point.index] ?? 0)}`}</title>
            </circle>
          ))}
        </g>
      ))}
      <XAxis minutes={minutes} />
    </svg>
  );
}

/** Webhook deliveries per minute of their creation, stacked by their status now; each bar's title has the minute's success rate. */
export function DeliveriesChart({ minutes }: { minutes: readonly WebhookFiguresMinuteResponseDto[] }) {
  return (
    <StackedMinutesChart
      minutes={minutes}
      columns={minutes.map((minute) => minute.deliveries)}
      keys={DELIVERY_STATUSES.map((status) => status.key)}
      label="Webhook deliveries per minute, by status"
      fillOf={(key) => `fill-delivery-${key}`}
      titleOf={(bar) => `${bar.value} ${bar.key}, success ${formatRate(minutes[bar.column].success_rate)}`}
    />
  );
}
