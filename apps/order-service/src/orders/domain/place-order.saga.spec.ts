import type { OrderFailure } from './order-failure';
import {
  compensationDeadline,
  decide,
  deadlineEvent,
  MAX_COMPENSATION_RETRY_MS,
  OperatorAction,
  PlaceOrderSagaState,
  reserveStockItems,
  SAGA_STATES,
  SagaDecision,
  SagaEvent,
  SagaEventType,
  SagaTiming,
  SagaView,
  startPlaceOrderSaga,
} from './place-order.saga';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const timing: SagaTiming = { now: NOW, stepTimeoutMs: 30_000, compensationRetryMs: 10_000 };
const OVERDUE = new Date(NOW.getTime() - 1);
const OURS = 'res-ours';
const LATE = 'res-late';

const declined: OrderFailure = { code: 'PAYMENT_FAILED', details: { declineCode: 'card_declined', message: 'The card was declined' } };
const paymentTimeout: OrderFailure = { code: 'PAYMENT_TIMEOUT', details: { reason: 'payment_timeout' } };
const shortage: OrderFailure = {
  code: 'INSUFFICIENT_INVENTORY',
  details: { reason: 'INSUFFICIENT_INVENTORY', shortages: [{ productId: 'SKU-1', requested: 2, available: 1 }] },
};
const inventoryTimeout: OrderFailure = { code: 'INVENTORY_TIMEOUT', details: { reason: 'inventory_timeout' } };
const operatorCancelled: OrderFailure = { code: 'CANCELLED_BY_OPERATOR', details: { reason: 'operator_cancelled' } };
const ACTION: OperatorAction = { actionId: '6f1c3c1e-8a1b-4c55-9d47-0d3f1f0b6a11', operatorId: 'ops@example.com', reason: 'customer asked to cancel' };

const base: SagaView = {
  state: 'RESERVING_STOCK',
  reservationId: null,
  paymentId: null,
  stepDeadlineAt: OVERDUE,
  stepAttempts: 1,
  failureReason: null,
  stockReleased: false,
  orderStatus: 'pending',
  orderFailure: null,
};

/** Each state as the saga reaches it on its usual path; deadlines already passed. */
const SAGA_IN: Record<PlaceOrderSagaState, SagaView> = {
  RESERVING_STOCK: base,
  PROCESSING_PAYMENT: { ...base, state: 'PROCESSING_PAYMENT', reservationId: OURS },
  REFUNDING_PAYMENT: { ...base, state: 'REFUNDING_PAYMENT', reservationId: OURS, failureReason: 'payment_timeout', orderFailure: paymentTimeout },
  RELEASING_STOCK: { ...base, state: 'RELEASING_STOCK', reservationId: OURS, paymentId: 'pay-1', failureReason: 'payment_declined', orderFailure: declined },
  CONFIRMED: { ...base, state: 'CONFIRMED', reservationId: OURS, paymentId: 'pay-1', stepDeadlineAt: null, orderStatus: 'confirmed' },
  REJECTED: { ...base, state: 'REJECTED', stepDeadlineAt: null, failureReason: 'insufficient_inventory', orderStatus: 'cancelled', orderFailure: shortage },
  COMPENSATED: {
    ...base,
    state: 'COMPENSATED',
    reservationId: OURS,
    paymentId: 'pay-1',
    stepDeadlineAt: null,
    failureReason: 'payment_declined',
    stockReleased: true,
    orderStatus: 'cancelled',
    orderFailure: declined,
  },
  TIMED_OUT: {
    ...base,
    state: 'TIMED_OUT',
    stepDeadlineAt: null,
    failureReason: 'inventory_timeout',
    orderStatus: 'cancelled',
    orderFailure: inventoryTimeout,
  },
  CANCELLED: {
    ...base,
    state: 'CANCELLED',
    reservationId: OURS,
    paymentId: 'pay-1',
    stepDeadlineAt: null,
    failureReason: 'operator_cancelled',
    stockReleased: true,
    orderStatus: 'cancelled',
    orderFailure: operatorCancelled,
  },
};

/** One event of each type; StockReserved and StockReleased name a reservation the saga has not seen unless told. */
const EVENT: Record<SagaEventType, SagaEvent> = {
  StockReserved: {
    type: 'StockReserved',
    reply: { orderId: 'ORD-1', reservationId: LATE, items: [{ productId: 'SKU-1', quantity: 2, unitPriceCents: 1250 }], totalCents: 2500, currency: 'USD' },
  },
  StockReservationRejected: {
    type: 'StockReservationRejected',
    reply: { orderId: 'ORD-1', reason: 'INSUFFICIENT_INVENTORY', shortages: [{ productId: 'SKU-1', requested: 2, available: 1 }] },
  },
  PaymentSucceeded: { type: 'PaymentSucceeded', reply: { orderId: 'ORD-1', paymentId: 'pay-2', amountCents: 2500, currency: 'USD' } },
  PaymentDeclined: { type: 'PaymentDeclined', reply: { orderId: 'ORD-1', paymentId: 'pay-2', declineCode: 'card_declined', message: 'The card was declined' } },
  PaymentRefunded: { type: 'PaymentRefunded', reply: { orderId: 'ORD-1', paymentId: 'pay-2', outcome: 'refunded', refundedCents: 2500 } },
  StockReleased: { type: 'StockReleased', reply: { orderId: 'ORD-1', reservationId: OURS } },
  StepDeadlinePassed: { type: 'StepDeadlinePassed' },
  CompensationRetryDue: { type: 'CompensationRetryDue' },
  StepRetryRequested: { type: 'StepRetryRequested', action: ACTION, order: { items: [{ productId: 'SKU-1', quantity: 2 }], totalCents: 2500 } },
  CancelRequested: { type: 'CancelRequested', action: ACTION },
};
const stockReservedAgain = (reservationId: string): SagaEvent =>
  ({ ...EVENT.StockReserved, reply: { ...(EVENT.StockReserved as Extract<SagaEvent, { type: 'StockReserved' }>).reply, reservationId } }) as SagaEvent;

/** A decision in one line: next state | commands | order change | timeline | outcome; or the state and the refusal. */
function summary(decision: SagaDecision): string {
  const { order } = decision;
  if (decision.refused) return `${decision.saga.state} | refused ${decision.refused.code}`;
  const change = !order
    ? '-'
    : order.status === 'confirmed'
      ? 'confirmed'
      : order.status === 'cancelled'
        ? `cancelled ${order.failure.code}`
        : 'failure' in order
          ? `pending ${order.failure.code}`
          : `priced ${order.totalCents}`;
  return [
    decision.saga.state,
    decision.commands.map((command) => command.type).join('+') || '-',
    change,
    decision.timeline.map((entry) => `${entry.kind} ${entry.name}`).join(', ') || '-',
    decision.outcome ?? '-',
  ].join(' | ');
}
/** A reply that does not fit: on the timeline, nothing else. */
const ignoredReply = (state: PlaceOrderSagaState, event: SagaEventType) => `${state} | - | - | late-reply ${event} (ignored) | -`;
const unchanged = (state: PlaceOrderSagaState) => `${state} | - | - | - | -`;
/** An operator action on a saga that ended: refused, nothing changes. */
const ended = (state: PlaceOrderSagaState) => ({
  StepRetryRequested: `${state} | refused SAGA_ALREADY_ENDED`,
  CancelRequested: `${state} | refused SAGA_ALREADY_ENDED`,
});

/**
 * The whole table, every state × every event, as the saga answers it. Rows not listed are the ones no
 * transition takes: a reply is ignored (recorded), a deadline changes nothing.
 */
const EXPECTED: Partial<Record<PlaceOrderSagaState, Partial<Record<SagaEventType, string>>>> = {
  RESERVING_STOCK: {
    StockReserved: 'PROCESSING_PAYMENT | ProcessPayment | priced 2500 | reply StockReserved, command ProcessPayment | -',
    StockReservationRejected: 'REJECTED | - | cancelled INSUFFICIENT_INVENTORY | reply StockReservationRejected, outcome OrderCancelled | rejected',
    StepDeadlinePassed: 'TIMED_OUT | - | cancelled INVENTORY_TIMEOUT | timeout ReserveStock, outcome OrderCancelled | timed_out',
    StepRetryRequested: 'RESERVING_STOCK | ReserveStock | - | operator StepRetryRequested, command ReserveStock | -',
    CancelRequested: 'CANCELLED | - | cancelled CANCELLED_BY_OPERATOR | operator CancelRequested, outcome OrderCancelled | cancelled',
  },
  PROCESSING_PAYMENT: {
    PaymentSucceeded: 'CONFIRMED | - | confirmed | reply PaymentSucceeded, outcome OrderConfirmed | confirmed',
    PaymentDeclined: 'RELEASING_STOCK | ReleaseStock | pending PAYMENT_FAILED | reply PaymentDeclined, compensation ReleaseStock | -',
    StepDeadlinePassed: 'REFUNDING_PAYMENT | RefundPayment | pending PAYMENT_TIMEOUT | timeout ProcessPayment, compensation RefundPayment | -',
    StepRetryRequested: 'PROCESSING_PAYMENT | ProcessPayment | - | operator StepRetryRequested, command ProcessPayment | -',
    CancelRequested: 'REFUNDING_PAYMENT | RefundPayment | pending CANCELLED_BY_OPERATOR | operator CancelRequested, compensation RefundPayment | -',
  },
  REFUNDING_PAYMENT: {
    PaymentRefunded: 'RELEASING_STOCK | ReleaseStock | - | reply PaymentRefunded, compensation ReleaseStock | -',
    CompensationRetryDue: 'REFUNDING_PAYMENT | RefundPayment | - | timeout RefundPayment, compensation RefundPayment | -',
    StepRetryRequested: 'REFUNDING_PAYMENT | RefundPayment | - | operator StepRetryRequested, compensation RefundPayment | -',
    CancelRequested: 'REFUNDING_PAYMENT | RefundPayment | - | operator CancelRequested, compensation RefundPayment | -',
  },
  RELEASING_STOCK: {
    PaymentSucceeded: 'REFUNDING_PAYMENT | RefundPayment | - | late-reply PaymentSucceeded, compensation RefundPayment | -',
    StockReleased: 'COMPENSATED | - | cancelled PAYMENT_FAILED | reply StockReleased, outcome OrderCancelled | compensated',
    CompensationRetryDue: 'RELEASING_STOCK | ReleaseStock | - | timeout ReleaseStock, compensation ReleaseStock | -',
    StepRetryRequested: 'RELEASING_STOCK | ReleaseStock | - | operator StepRetryRequested, compensation ReleaseStock | -',
    CancelRequested: 'RELEASING_STOCK | ReleaseStock | - | operator CancelRequested, compensation ReleaseStock | -',
  },
  CONFIRMED: { ...ended('CONFIRMED') },
  REJECTED: {
    StockReserved: 'RELEASING_STOCK | ReleaseStock | - | late-reply StockReserved, compensation ReleaseStock | -',
    PaymentSucceeded: 'REFUNDING_PAYMENT | RefundPayment | - | late-reply PaymentSucceeded, compensation RefundPayment | -',
    ...ended('REJECTED'),
  },
  COMPENSATED: {
    StockReserved: 'RELEASING_STOCK | ReleaseStock | - | late-reply StockReserved, compensation ReleaseStock | -',
    PaymentSucceeded: 'REFUNDING_PAYMENT | RefundPayment | - | late-reply PaymentSucceeded, compensation RefundPayment | -',
    ...ended('COMPENSATED'),
  },
  TIMED_OUT: {
    StockReserved: 'RELEASING_STOCK | ReleaseStock | - | late-reply StockReserved, compensation ReleaseStock | -',
    PaymentSucceeded: 'REFUNDING_PAYMENT | RefundPayment | - | late-reply PaymentSucceeded, compensation RefundPayment | -',
    ...ended('TIMED_OUT'),
  },
  CANCELLED: {
    StockReserved: 'RELEASING_STOCK | ReleaseStock | - | late-reply StockReserved, compensation ReleaseStock | -',
    PaymentSucceeded: 'REFUNDING_PAYMENT | RefundPayment | - | late-reply PaymentSucceeded, compensation RefundPayment | -',
    ...ended('CANCELLED'),
  },
};

const ROWS = SAGA_STATES.flatMap((state) =>
  (Object.keys(EVENT) as SagaEventType[]).map((event) => {
    const expected = EXPECTED[state]?.[event] ?? ('reply' in EVENT[event] ? ignoredReply(state, event) : unchanged(state));
    return { state, event, expected };
  }),
);

describe('PlaceOrder saga: every state × every event', () => {
  it.each(ROWS)('$state + $event → $expected', ({ state, event, expected }) => {
    expect(summary(decide(SAGA_IN[state], EVENT[event], timing))).toBe(expected);
  });
});

describe('PlaceOrder saga: late, duplicate and conditional rows', () => {
  const rows: { name: string; saga: SagaView; event: SagaEvent; expected: string }[] = [
    {
      name: 'a StockReserved repeated after the saga failed, for the reservation it already knows, is ignored',
      saga: SAGA_IN.COMPENSATED,
      event: stockReservedAgain(OURS),
      expected: ignoredReply('COMPENSATED', 'StockReserved'),
    },
    {
      name: 'a StockReserved while paying (a duplicate under a new id) is ignored, not released',
      saga: SAGA_IN.PROCESSING_PAYMENT,
      event: stockReservedAgain(OURS),
      expected: ignoredReply('PROCESSING_PAYMENT', 'StockReserved'),
    },
    {
      name: 'a StockReleased for another reservation than the one being released is ignored',
      saga: SAGA_IN.RELEASING_STOCK,
      event: { type: 'StockReleased', reply: { orderId: 'ORD-1', reservationId: LATE } },
      expected: ignoredReply('RELEASING_STOCK', 'StockReleased'),
    },
    {
      name: 'a refund when the stock already went back finishes the compensation and cancels the order with its stored failure',
      saga: { ...SAGA_IN.REFUNDING_PAYMENT, stockReleased: true },
      event: EVENT.PaymentRefunded,
      expected: 'COMPENSATED | - | cancelled PAYMENT_TIMEOUT | reply PaymentRefunded, outcome OrderCancelled | compensated',
    },
    {
      name: 'a refund of a late charge on an order already cancelled completes the compensation without touching the order',
      saga: { ...SAGA_IN.REFUNDING_PAYMENT, reservationId: null, orderStatus: 'cancelled', orderFailure: inventoryTimeout, failureReason: 'inventory_timeout' },
      event: EVENT.PaymentRefunded,
      expected: 'COMPENSATED | - | - | reply PaymentRefunded, outcome CompensationCompleted | compensated',
    },
    {
      name: 'a late reservation released on an order already cancelled completes the compensation without touching the order',
      saga: { ...SAGA_IN.RELEASING_STOCK, failureReason: 'inventory_timeout', orderStatus: 'cancelled', orderFailure: inventoryTimeout, paymentId: null },
      event: EVENT.StockReleased,
      expected: 'COMPENSATED | - | - | reply StockReleased, outcome CompensationCompleted | compensated',
    },
    {
      name: 'a compensation that finds no failure stored cancels the order with one made from the saga’s reason',
      saga: { ...SAGA_IN.RELEASING_STOCK, failureReason: 'payment_timeout', orderFailure: null },
      event: EVENT.StockReleased,
      expected: 'COMPENSATED | - | cancelled PAYMENT_TIMEOUT | reply StockReleased, outcome OrderCancelled | compensated',
    },
    {
      name: 'a rejection for a price the catalog does not confirm cancels the order with VALIDATION_ERROR',
      saga: SAGA_IN.RESERVING_STOCK,
      event: {
        type: 'StockReservationRejected',
        reply: {
          orderId: 'ORD-1',
          reason: 'PRICE_MISMATCH',
          shortages: [],
          priceMismatches: [{ productId: 'SKU-1', expectedUnitPriceCents: 1000, catalogUnitPriceCents: 1250 }],
        },
      },
      expected: 'REJECTED | - | cancelled VALIDATION_ERROR | reply StockReservationRejected, outcome OrderCancelled | rejected',
    },
    {
      name: 'the refund an operator’s cancel asked for is followed by the release of the reservation',
      saga: { ...SAGA_IN.REFUNDING_PAYMENT, failureReason: 'operator_cancelled', orderFailure: operatorCancelled },
      event: EVENT.PaymentRefunded,
      expected: 'RELEASING_STOCK | ReleaseStock | - | reply PaymentRefunded, compensation ReleaseStock | -',
    },
    {
      name: 'the release that completes an operator’s cancel ends the saga CANCELLED and the order cancelled by the operator',
      saga: { ...SAGA_IN.RELEASING_STOCK, failureReason: 'operator_cancelled', orderFailure: operatorCancelled },
      event: EVENT.StockReleased,
      expected: 'CANCELLED | - | cancelled CANCELLED_BY_OPERATOR | reply StockReleased, outcome OrderCancelled | cancelled',
    },
    {
      name: 'a late reservation released after an operator’s cancel ends the saga CANCELLED again without touching the order',
      saga: { ...SAGA_IN.RELEASING_STOCK, failureReason: 'operator_cancelled', orderStatus: 'cancelled', orderFailure: operatorCancelled, paymentId: null },
      event: EVENT.StockReleased,
      expected: 'CANCELLED | - | - | reply StockReleased, outcome CompensationCompleted | cancelled',
    },
    {
      name: 'a charge that lands while the refund of an operator’s cancel is in flight is left to that refund (by order id)',
      saga: { ...SAGA_IN.REFUNDING_PAYMENT, failureReason: 'operator_cancelled', orderFailure: operatorCancelled },
      event: EVENT.PaymentSucceeded,
      expected: ignoredReply('REFUNDING_PAYMENT', 'PaymentSucceeded'),
    },
    {
      name: 'an operator’s cancel of a late charge’s refund on a settled order re-sends the refund and leaves the order alone',
      saga: { ...SAGA_IN.REFUNDING_PAYMENT, orderStatus: 'cancelled', orderFailure: inventoryTimeout, failureReason: 'inventory_timeout' },
      event: EVENT.CancelRequested,
      expected: 'REFUNDING_PAYMENT | RefundPayment | - | operator CancelRequested, compensation RefundPayment | -',
    },
    {
      name: 'an operator may retry a step whose deadline has not passed yet',
      saga: { ...SAGA_IN.PROCESSING_PAYMENT, stepDeadlineAt: new Date(NOW.getTime() + 1) },
      event: EVENT.StepRetryRequested,
      expected: 'PROCESSING_PAYMENT | ProcessPayment | - | operator StepRetryRequested, command ProcessPayment | -',
    },
    {
      name: 'a forward step whose deadline has not passed yet is left alone',
      saga: { ...SAGA_IN.PROCESSING_PAYMENT, stepDeadlineAt: new Date(NOW.getTime() + 1) },
      event: EVENT.StepDeadlinePassed,
      expected: unchanged('PROCESSING_PAYMENT'),
    },
    {
      name: 'a compensation whose retry is not due yet is not re-sent',
      saga: { ...SAGA_IN.RELEASING_STOCK, stepDeadlineAt: new Date(NOW.getTime() + 1) },
      event: EVENT.CompensationRetryDue,
      expected: unchanged('RELEASING_STOCK'),
    },
  ];
  it.each(rows)('$name', ({ saga, event, expected }) => {
    expect(summary(decide(saga, event, timing))).toBe(expected);
  });
});

describe('PlaceOrder saga: what the transitions carry', () => {
  it('starts by reserving the stock, with the client’s prices, under the step deadline', () => {
    const start = startPlaceOrderSaga([{ productId: 'SKU-1', quantity: 2, expectedUnitPriceCents: 1250 }], timing);
    expect(start.saga).toMatchObject({ state: 'RESERVING_STOCK', stepAttempts: 1, stepDeadlineAt: new Date(NOW.getTime() + 30_000) });
    expect(start.commands).toEqual([{ type: 'ReserveStock', items: [{ productId: 'SKU-1', quantity: 2, expectedUnitPriceCents: 1250 }] }]);
    expect(start.timeline).toEqual([
      { kind: 'command', name: 'ReserveStock', message: 'command', detail: { items: 1, deadline: new Date(NOW.getTime() + 30_000) } },
    ]);
  });

  it('reserved stock prices the order and charges its total, the reservation remembered', () => {
    const decision = decide(SAGA_IN.RESERVING_STOCK, stockReservedAgain(OURS), timing);
    expect(decision.saga).toMatchObject({ reservationId: OURS, stepDeadlineAt: new Date(NOW.getTime() + 30_000) });
    expect(decision.order).toEqual({ status: 'pending', totalCents: 2500, unitPrices: [{ productId: 'SKU-1', unitPriceCents: 1250 }] });
    expect(decision.commands).toEqual([{ type: 'ProcessPayment', amountCents: 2500 }]);
    expect(decision.timeline.map((entry) => entry.message)).toEqual(['reply', 'command']);
  });

  it('a decline stores the decline as the order’s failure and releases the reservation', () => {
    const decision = decide(SAGA_IN.PROCESSING_PAYMENT, EVENT.PaymentDeclined, timing);
    expect(decision.order).toEqual({ status: 'pending', failure: declined });
    expect(decision.commands).toEqual([{ type: 'ReleaseStock', reservationId: OURS, reason: 'payment declined: card_declined' }]);
    expect(decision.saga).toMatchObject({
      paymentId: 'pay-2',
      failureReason: 'payment_declined',
      stepAttempts: 1,
      stepDeadlineAt: new Date(NOW.getTime() + 10_000),
    });
  });

  it('a late reservation is released with a reason naming why the saga had failed', () => {
    const decision = decide(SAGA_IN.TIMED_OUT, EVENT.StockReserved, timing);
    expect(decision.commands).toEqual([{ type: 'ReleaseStock', reservationId: LATE, reason: 'late reservation after inventory_timeout' }]);
    expect(decision.saga).toMatchObject({ reservationId: LATE, stockReleased: false, failureReason: 'inventory_timeout' });
  });

  it('a late charge is refunded with a reason naming why the saga had failed', () => {
    expect(decide(SAGA_IN.COMPENSATED, EVENT.PaymentSucceeded, timing).commands).toEqual([
      { type: 'RefundPayment', reason: 'late charge after payment_declined' },
    ]);
  });

  it('a refund released after a late charge re-sends ReleaseStock when the earlier release was never answered', () => {
    const decision = decide({ ...SAGA_IN.REFUNDING_PAYMENT, failureReason: 'payment_declined' }, EVENT.PaymentRefunded, timing);
    expect(decision.commands).toEqual([{ type: 'ReleaseStock', reservationId: OURS, reason: 'payment_declined' }]);
  });

  it('re-sent compensations count their attempts and back off, doubling from SAGA_COMPENSATION_RETRY_MS', () => {
    const decision = decide({ ...SAGA_IN.RELEASING_STOCK, stepAttempts: 3 }, EVENT.CompensationRetryDue, timing);
    expect(decision.saga).toMatchObject({ state: 'RELEASING_STOCK', stepAttempts: 4, stepDeadlineAt: new Date(NOW.getTime() + 80_000) });
    expect(decision.timeline[0]).toEqual({ kind: 'timeout', name: 'ReleaseStock', message: null, detail: { deadline: OVERDUE, attempts: 3 } });
  });

  it('the backoff is capped at MAX_COMPENSATION_RETRY_MS, and never shorter than the configured pause', () => {
    expect(compensationDeadline(timing, 30).getTime() - NOW.getTime()).toBe(MAX_COMPENSATION_RETRY_MS);
    const slow = { ...timing, compensationRetryMs: 2 * MAX_COMPENSATION_RETRY_MS };
    expect(compensationDeadline(slow, 5).getTime() - NOW.getTime()).toBe(2 * MAX_COMPENSATION_RETRY_MS);
  });

  it('a terminal saga with a stray deadline has it cleared, so the sweep does not pick it again', () => {
    const decision = decide({ ...SAGA_IN.CONFIRMED, stepDeadlineAt: OVERDUE }, deadlineEvent('CONFIRMED'), timing);
    expect(decision.saga.stepDeadlineAt).toBeNull();
    expect(decision.timeline).toEqual([]);
  });

  it('an operator’s action is first on the timeline: who, why, the states before and after, and the commands sent', () => {
    const decision = decide(SAGA_IN.PROCESSING_PAYMENT, EVENT.CancelRequested, timing);
    expect(decision.timeline[0]).toEqual({
      kind: 'operator',
      name: 'CancelRequested',
      message: null,
      detail: {
        actionId: ACTION.actionId,
        operatorId: 'ops@example.com',
        reason: 'customer asked to cancel',
        fromState: 'PROCESSING_PAYMENT',
        toState: 'REFUNDING_PAYMENT',
        commands: ['RefundPayment'],
      },
    });
  });

  it('a retry of the reservation re-sends the order’s items, one attempt more, under a fresh step deadline', () => {
    const items = [{ productId: 'SKU-1', quantity: 2, expectedUnitPriceCents: 1250 }];
    const decision = decide(
      { ...SAGA_IN.RESERVING_STOCK, stepAttempts: 2 },
      { type: 'StepRetryRequested', action: ACTION, order: { items, totalCents: null } },
      timing,
    );
    expect(decision.commands).toEqual([{ type: 'ReserveStock', items }]);
    expect(decision.saga).toMatchObject({ state: 'RESERVING_STOCK', stepAttempts: 3, stepDeadlineAt: new Date(NOW.getTime() + 30_000) });
    expect(decision.timeline[1]).toEqual({
      kind: 'command',
      name: 'ReserveStock',
      message: 'command',
      detail: { items: 1, attempt: 3, deadline: new Date(NOW.getTime() + 30_000) },
    });
  });

  it('a retry of the payment charges the order’s total again; without a total it refuses to guess', () => {
    expect(decide(SAGA_IN.PROCESSING_PAYMENT, EVENT.StepRetryRequested, timing).commands).toEqual([{ type: 'ProcessPayment', amountCents: 2500 }]);
    expect(() => decide(SAGA_IN.PROCESSING_PAYMENT, { type: 'StepRetryRequested', action: ACTION, order: { items: [], totalCents: null } }, timing)).toThrow(
      'saga in PROCESSING_PAYMENT has no order total',
    );
  });

  it('a retry of a compensation sends it now, one attempt more, and backs off from there', () => {
    const decision = decide({ ...SAGA_IN.RELEASING_STOCK, stepAttempts: 3 }, EVENT.StepRetryRequested, timing);
    expect(decision.commands).toEqual([{ type: 'ReleaseStock', reservationId: OURS, reason: 'payment_declined' }]);
    expect(decision.saga).toMatchObject({ stepAttempts: 4, stepDeadlineAt: new Date(NOW.getTime() + 80_000) });
  });

  it('a cancel while paying refunds by order id for the operator’s cancel, and the order waits for the compensation with the operator’s failure', () => {
    const decision = decide(SAGA_IN.PROCESSING_PAYMENT, EVENT.CancelRequested, timing);
    expect(decision.commands).toEqual([{ type: 'RefundPayment', reason: 'operator_cancelled' }]);
    expect(decision.order).toEqual({ status: 'pending', failure: operatorCancelled });
    expect(decision.saga).toMatchObject({ failureReason: 'operator_cancelled', stepAttempts: 1, stepDeadlineAt: new Date(NOW.getTime() + 10_000) });
  });

  it('a cancel while compensating keeps the failure the order is already cancelled for', () => {
    const decision = decide(SAGA_IN.RELEASING_STOCK, EVENT.CancelRequested, timing);
    expect(decision.order).toBeNull();
    expect(decision.saga).toMatchObject({ failureReason: 'payment_declined', stepAttempts: 2 });
  });

  it('a refused action writes nothing: the saga as it was, no command, no timeline, and a message naming the state', () => {
    const decision = decide(SAGA_IN.CONFIRMED, EVENT.CancelRequested, timing);
    expect({ ...SAGA_IN.CONFIRMED, ...decision.saga }).toEqual(SAGA_IN.CONFIRMED);
    expect(decision).toMatchObject({ commands: [], order: null, timeline: [], outcome: null });
    expect(decision.refused).toEqual({ code: 'SAGA_ALREADY_ENDED', message: 'The saga already ended in CONFIRMED: nothing left to cancel' });
    expect(decide(SAGA_IN.TIMED_OUT, EVENT.StepRetryRequested, timing).refused?.message).toBe('The saga already ended in TIMED_OUT: no step to retry');
  });

  it('ReserveStock asks the catalog to confirm a price only where the client stated one', () => {
    expect(
      reserveStockItems([
        { productId: 'SKU-1', quantity: 2, requestedUnitPriceCents: 1250 },
        { productId: 'SKU-2', quantity: 1, requestedUnitPriceCents: null },
      ]),
    ).toEqual([
      { productId: 'SKU-1', quantity: 2, expectedUnitPriceCents: 1250 },
      { productId: 'SKU-2', quantity: 1 },
    ]);
  });

  it('an overdue compensation is a retry; an overdue forward step is a timeout', () => {
    expect(deadlineEvent('REFUNDING_PAYMENT')).toEqual({ type: 'CompensationRetryDue' });
    expect(deadlineEvent('RELEASING_STOCK')).toEqual({ type: 'CompensationRetryDue' });
    expect(deadlineEvent('RESERVING_STOCK')).toEqual({ type: 'StepDeadlinePassed' });
    expect(deadlineEvent('PROCESSING_PAYMENT')).toEqual({ type: 'StepDeadlinePassed' });
  });
});
