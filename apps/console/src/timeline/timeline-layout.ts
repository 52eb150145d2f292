import type { SagaStepKind, SagaTimelineEntryResponseDto } from '@order-saga/contracts/http';

/** The rows of the drawn timeline: each participant, the operators, and the saga's own outcome. */
export const LANES = ['inventory', 'payment', 'operator', 'saga'] as const;
export type Lane = (typeof LANES)[number];

/** The replies that answer each command; ConfirmReservation expects none. */
const REPLIES: Record<string, readonly string[]> = {
  ReserveStock: ['StockReserved', 'StockReservationRejected'],
  ProcessPayment: ['PaymentSucceeded', 'PaymentDeclined'],
  RefundPayment: ['PaymentRefunded'],
  ReleaseStock: ['StockReleased'],
  ConfirmReservation: [],
};

const INVENTORY = new Set(['ReserveStock', 'ReleaseStock', 'ConfirmReservation', 'StockReserved', 'StockReservationRejected', 'StockReleased']);
const PAYMENT = new Set(['ProcessPayment', 'RefundPayment', 'PaymentSucceeded', 'PaymentDeclined', 'PaymentRefunded']);

/** A command in flight: from when it was sent to its reply, its deadline, its re-send, or (still waiting) now. */
export interface TimelineSpan {
  lane: Lane;
  kind: 'command' | 'compensation';
  name: string;
  start: number;
  end: number;
  durationMs: number;
  /** What ended it: the reply's name, `deadline passed`, `sent again`, `no reply`; `waiting` while it goes on. */
  endedBy: string;
  waiting: boolean;
  /** The timeline entry that sent it. */
  entry: number;
}

/** A moment: a reply, a late reply, a deadline, an operator's action, the outcome, a command that expects no reply. */
export interface TimelineMark {
  lane: Lane;
  kind: SagaStepKind;
  name: string;
  at: number;
  entry: number;
}

/** One entry as the list under the drawing shows it. */
export interface TimelineRow {
  entry: SagaTimelineEntryResponseDto;
  lane: Lane;
  at: number;
  /** Since the saga's first entry. */
  sinceStartMs: number;
  /** A command: how long until what ended it; a reply: how long its command waited for it. Null otherwise. */
  durationMs: number | null;
  /** A command: what ended it (see TimelineSpan.endedBy); a reply: the command it answered. */
  note: string | null;
}

export interface TimelineLayout {
  start: number;
  end: number;
  spans: TimelineSpan[];
  marks: TimelineMark[];
  rows: TimelineRow[];
}

/** `PaymentSucceeded (ignored)` → `PaymentSucceeded`. */
function messageName(name: string): string {
  return name.replace(/ \(.*\)$/, '');
}

export function laneOf(entry: Pick<SagaTimelineEntryResponseDto, 'kind' | 'name'>): Lane {
  if (entry.kind === 'operator') return 'operator';
  if (entry.kind === 'outcome') return 'saga';
  const name = messageName(entry.name);
  if (INVENTORY.has(name)) return 'inventory';
  if (PAYMENT.has(name)) return 'payment';
  return 'saga';
}

/**
 * Lays a saga's timeline out for drawing: every command that expects a reply becomes a span closed by the reply
 * that answers it, by its deadline passing, or by being sent again; whatever else happened is a mark. `now` ends
 * the spans still waiting while the saga is open.
 */
export function layOutTimeline(entries: readonly SagaTimelineEntryResponseDto[], open: boolean, now: number): TimelineLayout {
  const times = entries.map((entry) => Date.parse(entry.occurred_at));
  const start = times.length > 0 ? Math.min(...times) : now;
  const last = times.length > 0 ? Math.max(...times) : now;
  const end = open ? Math.max(last, now) : last;
  const spans: TimelineSpan[] = [];
  const marks: TimelineMark[] = [];
  const rows: TimelineRow[] = entries.map((entry, index) => ({
    entry,
    lane: laneOf(entry),
    at: times[index],
    sinceStartMs: times[index] - start,
    durationMs: null,
    note: null,
  }));
  /** The span in flight per command name. */
  const inFlight = new Map<string, TimelineSpan>();
  const close = (span: TimelineSpan, at: number, endedBy: string) => {
    span.end = at;
    span.durationMs = at - span.start;
    span.endedBy = endedBy;
    inFlight.delete(span.name);
    rows[span.entry].durationMs = span.durationMs;
    rows[span.entry].note = endedBy;
  };

  entries.forEach((entry, index) => {
    const at = times[index];
    const lane = rows[index].lane;
    switch (entry.kind) {
      case 'command':
      case 'compensation': {
        const previous = inFlight.get(entry.name);
        if (previous) close(previous, at, 'sent again');
        if ((REPLIES[entry.name] ?? []).length === 0) {
          marks.push({ lane, kind: entry.kind, name: entry.name, at, entry: index });
          rows[index].note = 'no reply expected';
          break;
        }
        const span: TimelineSpan = {
          lane,
          kind: entry.kind,
          name: entry.name,
          start: at,
          end: at,
          durationMs: 0,
          endedBy: 'waiting',
          waiting: true,
          entry: index,
        };
        spans.push(span);
        inFlight.set(entry.name, span);
        break;
      }
      case 'reply': {
        const span = [...inFlight.values()].find((candidate) => REPLIES[candidate.name]?.includes(entry.name));
        if (span) {
          span.waiting = false;
          close(span, at, entry.name);
          rows[index].durationMs = span.durationMs;
          rows[index].note = span.name;
        }
        marks.push({ lane, kind: entry.kind, name: entry.name, at, entry: index });
        break;
      }
      case 'timeout': {
        const span = inFlight.get(entry.name);
        if (span) {
          span.waiting = false;
          close(span, at, 'deadline passed');
        }
        marks.push({ lane, kind: entry.kind, name: entry.name, at, entry: index });
        break;
      }
      default:
        marks.push({ lane, kind: entry.kind, name: entry.name, at, entry: index });
    }
  });
  for (const span of inFlight.values()) {
    if (open) {
      span.end = end;
      span.durationMs = end - span.start;
      rows[span.entry].durationMs = span.durationMs;
      rows[span.entry].note = 'waiting';
    } else {
      span.waiting = false;
      close(span, last, 'no reply');
    }
  }
  return { start, end, spans, marks, rows };
}

/** A duration as people read it: `850 ms`, `4.2 s`, `3 min 20 s`, `2 h 5 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export interface LabelRequest {
  lane: Lane;
  /** Where the thing labelled starts, in drawing units. */
  left: number;
  text: string;
}

/**
 * Where each label goes on its lane: from the start of what it names, or ending at `right` when it would run
 * past the drawing; null when it would overlap the previous label of its lane (the bar keeps its tooltip and the
 * list under the drawing says the same). Widths are estimated at `charWidth` per character.
 */
export function placeLabels(labels: readonly LabelRequest[], right: number, charWidth: number): ({ x: number; anchor: 'start' | 'end' } | null)[] {
  const lastEnd = new Map<Lane, number>();
  return labels.map((label) => {
    const width = label.text.length * charWidth;
    const fits = label.left + width <= right;
    const start = fits ? label.left : right - width;
    if (start < (lastEnd.get(label.lane) ?? -Infinity) + charWidth) return null;
    lastEnd.set(label.lane, start + width);
    return fits ? { x: label.left, anchor: 'start' } : { x: right, anchor: 'end' };
  });
}
