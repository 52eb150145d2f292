import type { SagaTimelineEntryResponseDto } from '@order-saga/contracts/http';
import { formatDuration, layOutTimeline, placeLabels } from './timeline-layout';

const T0 = Date.parse('2026-11-21T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const entry = (ms: number, kind: SagaTimelineEntryResponseDto['kind'], name: string, detail: unknown = null): SagaTimelineEntryResponseDto => ({
  kind,
  name,
  message_id: null,
  detail,
  occurred_at: at(ms),
});

describe('layOutTimeline: a saga timeline as spans and marks', () => {
  it('a confirmed saga: each command spans until its reply, the reply names the command it answered and how long it took', () => {
    const layout = layOutTimeline(
      [
        entry(0, 'command', 'ReserveStock'),
        entry(120, 'reply', 'StockReserved'),
        entry(120, 'command', 'ProcessPayment'),
        entry(450, 'reply', 'PaymentSucceeded'),
        entry(450, 'outcome', 'OrderConfirmed'),
        entry(450, 'command', 'ConfirmReservation'),
      ],
      false,
      T0 + 10_000,
    );

    expect(layout.spans.map(({ lane, name, durationMs, endedBy, waiting }) => ({ lane, name, durationMs, endedBy, waiting }))).toEqual([
      { lane: 'inventory', name: 'ReserveStock', durationMs: 120, endedBy: 'StockReserved', waiting: false },
      { lane: 'payment', name: 'ProcessPayment', durationMs: 330, endedBy: 'PaymentSucceeded', waiting: false },
    ]);
    expect(layout.marks.map(({ lane, name }) => `${lane}:${name}`)).toEqual([
      'inventory:StockReserved',
      'payment:PaymentSucceeded',
      'saga:OrderConfirmed',
      'inventory:ConfirmReservation',
    ]);
    expect(layout.rows.map((row) => [row.entry.name, row.sinceStartMs, row.durationMs, row.note])).toEqual([
      ['ReserveStock', 0, 120, 'StockReserved'],
      ['StockReserved', 120, 120, 'ReserveStock'],
      ['ProcessPayment', 120, 330, 'PaymentSucceeded'],
      ['PaymentSucceeded', 450, 330, 'ProcessPayment'],
      ['OrderConfirmed', 450, null, null],
      ['ConfirmReservation', 450, null, 'no reply expected'],
    ]);
    // An ended saga's axis ends at its last entry, not at now.
    expect(layout.end - layout.start).toBe(450);
  });

  it('an open saga waiting on payment: the span runs to now, marked waiting', () => {
    const layout = layOutTimeline(
      [entry(0, 'command', 'ReserveStock'), entry(100, 'reply', 'StockReserved'), entry(100, 'command', 'ProcessPayment')],
      true,
      T0 + 60_000,
    );

    const payment = layout.spans.find((span) => span.name === 'ProcessPayment');
    expect(payment).toMatchObject({ waiting: true, endedBy: 'waiting', durationMs: 59_900, end: T0 + 60_000 });
    expect(layout.end).toBe(T0 + 60_000);
    expect(layout.rows[2].note).toBe('waiting');
  });

  it('an operator’s cancel while paying: the action is a mark on the operator lane, the refund and the release are compensation spans', () => {
    const layout = layOutTimeline(
      [
        entry(0, 'command', 'ReserveStock'),
        entry(100, 'reply', 'StockReserved'),
        entry(100, 'command', 'ProcessPayment'),
        entry(20_000, 'operator', 'CancelRequested', {
          operatorId: 'ops',
          reason: 'provider down',
          fromState: 'PROCESSING_PAYMENT',
          toState: 'REFUNDING_PAYMENT',
        }),
        entry(20_000, 'compensation', 'RefundPayment'),
        entry(25_000, 'reply', 'PaymentRefunded'),
        entry(25_000, 'compensation', 'ReleaseStock'),
        entry(25_200, 'reply', 'StockReleased'),
        entry(25_200, 'outcome', 'OrderCancelled'),
      ],
      false,
      T0 + 30_000,
    );

    expect(layout.marks.find((mark) => mark.kind === 'operator')).toMatchObject({ lane: 'operator', name: 'CancelRequested', at: T0 + 20_000 });
    expect(layout.spans.map(({ kind, name, durationMs, endedBy }) => [kind, name, durationMs, endedBy])).toEqual([
      ['command', 'ReserveStock', 100, 'StockReserved'],
      // ProcessPayment never got a reply: the saga ended, so the span stops at the last entry.
      ['command', 'ProcessPayment', 25_100, 'no reply'],
      ['compensation', 'RefundPayment', 5_000, 'PaymentRefunded'],
      ['compensation', 'ReleaseStock', 200, 'StockReleased'],
    ]);
  });

  it('a deadline ends the span it was waiting for, and a re-sent compensation ends the previous attempt', () => {
    const layout = layOutTimeline(
      [
        entry(0, 'command', 'ReserveStock'),
        entry(100, 'reply', 'StockReserved'),
        entry(100, 'command', 'ProcessPayment'),
        entry(30_100, 'timeout', 'ProcessPayment'),
        entry(30_100, 'compensation', 'RefundPayment'),
        entry(40_100, 'timeout', 'RefundPayment'),
        entry(40_100, 'compensation', 'RefundPayment'),
        entry(40_300, 'compensation', 'RefundPayment'),
      ],
      true,
      T0 + 41_000,
    );

    expect(layout.spans.map(({ name, durationMs, endedBy }) => [name, durationMs, endedBy])).toEqual([
      ['ReserveStock', 100, 'StockReserved'],
      ['ProcessPayment', 30_000, 'deadline passed'],
      ['RefundPayment', 10_000, 'deadline passed'],
      ['RefundPayment', 200, 'sent again'],
      ['RefundPayment', 700, 'waiting'],
    ]);
    expect(layout.marks.filter((mark) => mark.kind === 'timeout').map((mark) => mark.lane)).toEqual(['payment', 'payment']);
  });

  it('a late reply is a mark on its participant’s lane and closes nothing', () => {
    const layout = layOutTimeline([entry(0, 'outcome', 'OrderCancelled'), entry(500, 'late-reply', 'PaymentSucceeded (ignored)')], false, T0 + 1000);

    expect(layout.spans).toEqual([]);
    expect(layout.marks[1]).toMatchObject({ lane: 'payment', kind: 'late-reply' });
  });
});

describe('formatDuration', () => {
  it.each([
    [850, '850 ms'],
    [4_230, '4.23 s'],
    [42_000, '42.0 s'],
    [200_000, '3 min 20 s'],
    [7_500_000, '2 h 5 min'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('placeLabels', () => {
  it('labels from the start of each bar, ends a label at the right edge rather than past it, and drops one that would overlap its lane’s previous label', () => {
    const placed = placeLabels(
      [
        { lane: 'inventory', left: 0, text: 'ReserveStock' },
        { lane: 'payment', left: 5, text: 'ProcessPayment' },
        { lane: 'inventory', left: 40, text: 'ReleaseStock' },
        { lane: 'inventory', left: 150, text: 'ReleaseStock' },
        { lane: 'payment', left: 180, text: 'RefundPayment' },
      ],
      200,
      5,
    );

    expect(placed).toEqual([
      { x: 0, anchor: 'start' },
      { x: 5, anchor: 'start' },
      // 0 + 12 × 5 = 60 > 40: it would overlap ReserveStock's label.
      null,
      // 150 + 60 > 200: ends at the right edge instead.
      { x: 200, anchor: 'end' },
      { x: 200, anchor: 'end' },
    ]);
  });
});
