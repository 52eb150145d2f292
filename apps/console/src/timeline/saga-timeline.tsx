import type { SagaTimelineEntryResponseDto } from '@order-saga/contracts/http';
import { niceTicks } from '../charts/chart-geometry';
import { formatClock } from '../format';
import { formatDuration, Lane, LANES, layOutTimeline, placeLabels, TimelineMark, TimelineRow } from './timeline-layout';

const WIDTH = 960;
const LABELS = 96;
const RIGHT = 16;
const AXIS = 26;
const LANE_HEIGHT = 46;
/** The span labels' font (11px system sans): about this wide per character. */
const CHAR_WIDTH = 6.4;
const LANE_NAMES: Record<Lane, string> = { inventory: 'inventory', payment: 'payment', operator: 'operator', saga: 'saga' };
/** Replies and outcomes that are bad news get the failure colour. */
const BAD = /Rejected|Declined|Cancelled|ignored/;

function markClass(mark: TimelineMark): string {
  if (mark.kind === 'operator') return 'mark-operator';
  if (mark.kind === 'timeout') return 'mark-timeout';
  if (mark.kind === 'late-reply') return 'mark-late';
  if (mark.kind === 'outcome') return mark.name === 'OrderConfirmed' ? 'mark-good' : 'mark-bad';
  if (mark.kind === 'command' || mark.kind === 'compensation') return 'mark-sent';
  return BAD.test(mark.name) ? 'mark-bad' : 'mark-good';
}

function MarkShape({ mark, x, y }: { mark: TimelineMark; x: number; y: number }) {
  const label = `${formatClock(mark.at)} ${mark.kind} ${mark.name}`;
  const cls = `mark ${markClass(mark)}`;
  if (mark.kind === 'operator')
    return (
      <path class={cls} d={`M${x} ${y - 9} L${x + 9} ${y} L${x} ${y + 9} L${x - 9} ${y} Z`}>
        <title>{label}</title>
      </path>
    );
  if (mark.kind === 'timeout')
    return (
      <path class={cls} d={`M${x - 6} ${y - 6} L${x + 6} ${y + 6} M${x + 6} ${y - 6} L${x - 6} ${y + 6}`}>
        <title>{label}</title>
      </path>
    );
  if (mark.kind === 'outcome')
    return (
      <rect class={cls} x={x - 7} y={y - 7} width={14} height={14} rx={2}>
        <title>{label}</title>
      </rect>
    );
  return (
    <circle class={cls} cx={x} cy={y} r={6}>
      <title>{label}</title>
    </circle>
  );
}

/**
 * A saga's timeline drawn on a time axis: one lane per participant, the operators and the saga's outcome; each
 * command a bar from when it was sent to what ended it (its reply, its deadline, its re-send; hatched while it
 * still waits), replies, deadlines, operator actions and outcomes as marks. The list under it says the same in
 * words, with every entry's time and duration, and is what a screen reader or a narrow screen reads.
 */
export function SagaTimeline({ entries, open, now }: { entries: readonly SagaTimelineEntryResponseDto[]; open: boolean; now: number }) {
  const layout = layOutTimeline(entries, open, now);
  const total = Math.max(layout.end - layout.start, 1);
  const ticks = niceTicks(total, 5);
  const axisEnd = ticks[ticks.length - 1];
  const x = (at: number) => LABELS + ((at - layout.start) / axisEnd) * (WIDTH - LABELS - RIGHT);
  const laneY = (lane: Lane) => AXIS + LANES.indexOf(lane) * LANE_HEIGHT + LANE_HEIGHT / 2;
  const height = AXIS + LANES.length * LANE_HEIGHT + 6;
  const spanText = (span: (typeof layout.spans)[number]) => `${span.name} · ${formatDuration(span.durationMs)}`;
  const labels = placeLabels(
    layout.spans.map((span) => ({ lane: span.lane, left: x(span.start), text: spanText(span) })),
    WIDTH - RIGHT,
    CHAR_WIDTH,
  );
  return (
    <div class="timeline">
      <div class="timeline-scroll" tabIndex={0} role="group" aria-label="Timeline drawing (scrolls sideways on a narrow screen)">
        <svg
          class="timeline-drawing"
          viewBox={`0 0 ${WIDTH} ${height}`}
          role="img"
          aria-label={`Timeline of ${entries.length} entries over ${formatDuration(total)}`}
        >
          <defs>
            <pattern id="waiting-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
              <rect width="8" height="8" class="hatch-back" />
              <line x1="0" y1="0" x2="0" y2="8" class="hatch-line" />
            </pattern>
          </defs>
          {LANES.map((lane, index) => (
            <g key={lane}>
              <rect class={index % 2 === 0 ? 'lane lane-even' : 'lane'} x={0} y={AXIS + index * LANE_HEIGHT} width={WIDTH} height={LANE_HEIGHT} />
              <text class="lane-label" x={8} y={laneY(lane) + 4}>
                {LANE_NAMES[lane]}
              </text>
            </g>
          ))}
          <g class="axis">
            {ticks.map((tick) => (
              <g key={tick}>
                <line class="grid" x1={x(layout.start + tick)} x2={x(layout.start + tick)} y1={AXIS - 4} y2={height - 6} />
                <text x={x(layout.start + tick)} y={AXIS - 9} text-anchor="middle">
                  {`+${formatDuration(tick)}`}
                </text>
              </g>
            ))}
          </g>
          {layout.spans.map((span, index) => {
            const left = x(span.start);
            const label = labels[index];
            const width = Math.max(x(span.end) - left, 3);
            const y = laneY(span.lane);
            return (
              <g key={`span-${span.entry}`} class={`span span-${span.kind}${span.waiting ? ' span-waiting' : ''}`}>
                <rect x={left} y={y - 8} width={width} height={16} rx={3}>
                  <title>{`${span.name}: ${formatDuration(span.durationMs)}, ${span.waiting ? 'still waiting' : `ended by ${span.endedBy}`}`}</title>
                </rect>
                {label ? (
                  <text class="span-label" x={label.x} y={y - 12} text-anchor={label.anchor}>
                    {spanText(span)}
                  </text>
                ) : null}
              </g>
            );
          })}
          {layout.marks.map((mark) => (
            <MarkShape key={`mark-${mark.entry}`} mark={mark} x={x(mark.at)} y={laneY(mark.lane)} />
          ))}
        </svg>
      </div>
      <ol class="timeline-list">
        {layout.rows.map((row, index) => (
          <TimelineListItem key={index} row={row} />
        ))}
      </ol>
    </div>
  );
}

function describe(row: TimelineRow): string | null {
  const detail = (row.entry.detail ?? {}) as Record<string, unknown>;
  if (row.entry.kind === 'operator') {
    const commands = Array.isArray(detail.commands) && detail.commands.length > 0 ? `, sent ${detail.commands.join(', ')}` : '';
    return `by ${String(detail.operatorId ?? 'an operator')}: “${String(detail.reason ?? '')}” — ${String(detail.fromState)} → ${String(detail.toState)}${commands}`;
  }
  if (row.durationMs === null) return row.note;
  if (row.entry.kind === 'reply') return `answered ${row.note} after ${formatDuration(row.durationMs)}`;
  return row.note === 'waiting' ? `waiting for ${formatDuration(row.durationMs)}` : `${row.note} after ${formatDuration(row.durationMs)}`;
}

function TimelineListItem({ row }: { row: TimelineRow }) {
  const text = describe(row);
  return (
    <li class={`timeline-entry entry-${row.entry.kind}`}>
      <span class="entry-time" title={row.entry.occurred_at}>
        {formatClock(row.at)} <span class="muted">+{formatDuration(row.sinceStartMs)}</span>
      </span>
      <span class={`chip chip-${row.entry.kind}`}>{row.entry.kind}</span>
      <span class="entry-name">{row.entry.name}</span>
      {text ? <span class="entry-note">{text}</span> : null}
    </li>
  );
}
