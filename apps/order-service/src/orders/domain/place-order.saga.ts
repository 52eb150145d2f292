import type {
  PaymentDeclinedReply,
  PaymentRefundedReply,
  PaymentSucceededReply,
  ReserveStockLine,
  StockReleasedReply,
  StockReservationRejectedReply,
  StockReservedReply,
} from '@order-saga/contracts';
import type { SagaStep } from '@order-saga/contracts/http/operator';
import type { OrderFailure } from './order-failure';

export type PlaceOrderSagaState =
  'RESERVING_STOCK' | 'PROCESSING_PAYMENT' | 'REFUNDING_PAYMENT' | 'RELEASING_STOCK' | 'CONFIRMED' | 'REJECTED' | 'COMPENSATED' | 'TIMED_OUT' | 'CANCELLED';

/** States in which the saga waits for a participant's reply, with a deadline. */
export const OPEN_SAGA_STATES: readonly PlaceOrderSagaState[] = ['RESERVING_STOCK', 'PROCESSING_PAYMENT', 'REFUNDING_PAYMENT', 'RELEASING_STOCK'];
/** Open states that undo earlier steps; their commands are re-sent until answered. */
export const COMPENSATING_SAGA_STATES: readonly PlaceOrderSagaState[] = ['REFUNDING_PAYMENT', 'RELEASING_STOCK'];
/** Terminal states of a saga whose order was not confirmed. CANCELLED: an operator cancelled it (CancelRequested). */
export const FAILED_SAGA_STATES: readonly PlaceOrderSagaState[] = ['REJECTED', 'COMPENSATED', 'TIMED_OUT', 'CANCELLED'];
export const SAGA_STATES: readonly PlaceOrderSagaState[] = [...OPEN_SAGA_STATES, 'CONFIRMED', ...FAILED_SAGA_STATES];
/** Terminal states: nothing to retry, nothing left to cancel (a late reply may still reopen a failed saga). */
export const ENDED_SAGA_STATES: readonly PlaceOrderSagaState[] = ['CONFIRMED', ...FAILED_SAGA_STATES];

/** The command an open saga waits on the reply of: what a retry re-sends. */
export const STEP_OF_STATE: Readonly<Partial<Record<PlaceOrderSagaState, SagaStep>>> = {
  RESERVING_STOCK: 'ReserveStock',
  PROCESSING_PAYMENT: 'ProcessPayment',
  REFUNDING_PAYMENT: 'RefundPayment',
  RELEASING_STOCK: 'ReleaseStock',
};

export type FailureReason =
  | 'insufficient_inventory'
  | 'price_mismatch'
  | 'payment_declined'
  | 'payment_timeout'
  | 'inventory_timeout'
  /** An operator cancelled the saga before it had failed for a reason of its own. */
  | 'operator_cancelled';

/** Final saga states, as the `outcome` label of order_saga_sagas_total. */
export type SagaOutcome = 'confirmed' | 'rejected' | 'compensated' | 'timed_out' | 'cancelled';
const OUTCOMES: Partial<Record<PlaceOrderSagaState, SagaOutcome>> = {
  CONFIRMED: 'confirmed',
  REJECTED: 'rejected',
  COMPENSATED: 'compensated',
  TIMED_OUT: 'timed_out',
  CANCELLED: 'cancelled',
};

/** Compensations are re-sent with a growing pause, but never less often than this. */
export const MAX_COMPENSATION_RETRY_MS = 5 * 60_000;

/** The saga row: what a restarted service continues from. */
export interface SagaData {
  state: PlaceOrderSagaState;
  reservationId: string | null;
  paymentId: string | null;
  /** When the reply of the current step is overdue; null in a terminal state. */
  stepDeadlineAt: Date | null;
  /** How many times the current step's command was sent (compensations are re-sent until answered). */
  stepAttempts: number;
  failureReason: FailureReason | null;
  /** The reservation's stock went back (StockReleased received), so there is nothing left to release. */
  stockReleased: boolean;
}

/** What the saga decides on: its row, and the order's status and stored failure. */
export interface SagaView extends SagaData {
  orderStatus: 'pending' | 'confirmed' | 'cancelled';
  orderFailure: OrderFailure | null;
}

export type SagaEvent =
  | { type: 'StockReserved'; reply: StockReservedReply }
  | { type: 'StockReservationRejected'; reply: StockReservationRejectedReply }
  | { type: 'PaymentSucceeded'; reply: PaymentSucceededReply }
  | { type: 'PaymentDeclined'; reply: PaymentDeclinedReply }
  | { type: 'PaymentRefunded'; reply: PaymentRefundedReply }
  | { type: 'StockReleased'; reply: StockReleasedReply }
  /** A forward step's reply did not come by its deadline. */
  | { type: 'StepDeadlinePassed' }
  /** A compensation's reply did not come by its deadline: it is sent again. */
  | { type: 'CompensationRetryDue' }
  /** An operator asks to send the command of the step the saga waits on again (sagas/operate-saga). */
  | { type: 'StepRetryRequested'; action: OperatorAction; order: RetryInput }
  /** An operator asks to end the saga cancelled, undoing what it did (sagas/operate-saga). */
  | { type: 'CancelRequested'; action: OperatorAction };
export type SagaEventType = SagaEvent['type'];

/** Who asked for an operator action, why, and the id that makes asking twice one action. */
export interface OperatorAction {
  actionId: string;
  operatorId: string;
  reason: string;
}

/** What a re-sent forward command is made of: the saga row keeps neither the order's lines nor its total. */
export interface RetryInput {
  /** ReserveStock's items, as POST /orders sent them (reserveStockItems). */
  items: ReserveStockLine[];
  /** The order's total once priced (ProcessPayment's amount); null before the stock was reserved. */
  totalCents: number | null;
}

/** An operator action the saga refuses; the code is the API's error code. */
export interface SagaRefusal {
  code: 'SAGA_ALREADY_ENDED';
  message: string;
}

/** A command to a participant; the repository fills in the order's id and customer. */
export type SagaCommand =
  | { type: 'ReserveStock'; items: ReserveStockLine[] }
  | { type: 'ProcessPayment'; amountCents: number }
  | { type: 'ReleaseStock'; reservationId: string; reason: string }
  | { type: 'RefundPayment'; reason: string };

/** What becomes of the order. `confirmed` and `cancelled` settle it (and publish the order's events). */
export type OrderChange =
  | { status: 'pending'; totalCents: number; unitPrices: { productId: string; unitPriceCents: number }[] }
  | { status: 'pending'; failure: OrderFailure }
  | { status: 'confirmed' }
  | { status: 'cancelled'; failure: OrderFailure };

/**
 * command / reply: the forward steps; compensation: a command that undoes a step (or its re-send);
 * timeout: a step's deadline passed; late-reply: a reply that came after the saga moved on;
 * outcome: the order confirmed or cancelled; operator: an operator's action (who, why, what it did).
 */
export type SagaStepKind = 'command' | 'reply' | 'compensation' | 'timeout' | 'late-reply' | 'outcome' | 'operator';

/** One line of the saga's timeline; `message` says whose message id it carries: the event's reply, or this decision's command of that name. */
export interface TimelineEntry {
  kind: SagaStepKind;
  name: string;
  message: 'reply' | 'command' | null;
  detail: Record<string, unknown> | null;
}

export interface SagaDecision {
  /** The saga row after the event; equal to the one before when nothing but the timeline changes. */
  saga: SagaData;
  commands: SagaCommand[];
  order: OrderChange | null;
  timeline: TimelineEntry[];
  /** Set when the saga enters a final state with this event. */
  outcome: SagaOutcome | null;
  /** The event did not fit the saga's state: it is on the timeline and changed nothing else. */
  ignored: boolean;
  /** An operator action the saga's state does not allow: nothing is written, the operator gets this error. */
  refused: SagaRefusal | null;
}

export interface SagaTiming {
  now: Date;
  stepTimeoutMs: number;
  compensationRetryMs: number;
}

type EventOf<T extends SagaEventType> = Extract<SagaEvent, { type: T }>;
/** What a row of the table does: the new saga data, and what it sends, changes and records. */
type Step = Partial<SagaData> & Pick<SagaDecision, 'commands' | 'timeline'> & { order?: OrderChange; refused?: SagaRefusal };
type Transition<T extends SagaEventType> = (saga: SagaView, event: EventOf<T>, timing: SagaTiming) => Step;
interface Row<T extends SagaEventType> {
  on: T;
  in: readonly PlaceOrderSagaState[];
  /** A further condition on the event; a row whose guard fails does not match. */
  when?: (saga: SagaView, event: EventOf<T>, timing: SagaTiming) => boolean;
  then: Transition<T>;
}
const row = <T extends SagaEventType>(definition: Row<T>): Row<SagaEventType> => definition as unknown as Row<SagaEventType>;

/**
 * The PlaceOrder saga, orchestrated by order-service. Read top to bottom; the first row whose state,
 * event and guard match decides. An event no row takes is recorded on the timeline and changes nothing
 * (a duplicate under a new id, or a reply the saga no longer waits for); a deadline no row takes only
 * clears a stray deadline.
 *
 * Late replies, after the saga moved on: a StockReserved for a failed saga is released; a
 * PaymentSucceeded for a saga that is not confirming is refunded. A saga is COMPENSATED only once every
 * compensation it sent was answered. Deadlines: SAGA_STEP_TIMEOUT_MS for the forward steps;
 * compensations are re-sent from SAGA_COMPENSATION_RETRY_MS, doubling, capped at MAX_COMPENSATION_RETRY_MS.
 */
export const PLACE_ORDER_SAGA: readonly Row<SagaEventType>[] = [
  // ── step 1: RESERVING_STOCK → inventory.ReserveStock (started by startPlaceOrderSaga) ──────────────
  row({ on: 'StockReserved', in: ['RESERVING_STOCK'], then: chargeForReservedStock }),
  row({ on: 'StockReservationRejected', in: ['RESERVING_STOCK'], then: rejectOrder }),
  row({ on: 'StepDeadlinePassed', in: ['RESERVING_STOCK'], when: overdue, then: timeOutReservation }),
  // ── step 2: PROCESSING_PAYMENT → payment.ProcessPayment ───────────────────────────────────────────
  row({ on: 'PaymentSucceeded', in: ['PROCESSING_PAYMENT'], then: confirmOrder }),
  row({ on: 'PaymentDeclined', in: ['PROCESSING_PAYMENT'], then: releaseAfterDecline }),
  row({ on: 'StepDeadlinePassed', in: ['PROCESSING_PAYMENT'], when: overdue, then: refundAfterPaymentTimeout }),
  // ── compensation: REFUNDING_PAYMENT → payment.RefundPayment, re-sent until answered ───────────────
  row({ on: 'PaymentRefunded', in: ['REFUNDING_PAYMENT'], then: afterRefund }),
  row({ on: 'CompensationRetryDue', in: ['REFUNDING_PAYMENT'], when: overdue, then: resendRefund }),
  // ── compensation: RELEASING_STOCK → inventory.ReleaseStock, re-sent until answered ────────────────
  row({ on: 'StockReleased', in: ['RELEASING_STOCK'], when: releasesOurReservation, then: afterRelease }),
  row({ on: 'CompensationRetryDue', in: ['RELEASING_STOCK'], when: overdue, then: resendRelease }),
  // ── late replies ──────────────────────────────────────────────────────────────────────────────────
  // Stock reserved after the saga gave up on it (inventory timed out): give it back.
  row({ on: 'StockReserved', in: FAILED_SAGA_STATES, when: (saga, { reply }) => reply.reservationId !== saga.reservationId, then: releaseLateReservation }),
  // A charge after the saga stopped waiting for it: the money goes back. Not while REFUNDING_PAYMENT: the
  // refund in flight is by order id and payment-service applies it after this charge.
  row({ on: 'PaymentSucceeded', in: ['RELEASING_STOCK', ...FAILED_SAGA_STATES], then: refundLateCharge }),
  // ── operator actions: each is on the timeline first, with who asked and why ──────────────────────
  // Retry: the command of the step waited on goes again (a new message, the same order: every participant
  // answers a repeat with its first outcome), with a fresh deadline and one more attempt.
  row({ on: 'StepRetryRequested', in: OPEN_SAGA_STATES, then: retryStep }),
  // Cancel: nothing known to undo yet; a reservation that still shows up is released as a late reply.
  row({ on: 'CancelRequested', in: ['RESERVING_STOCK'], then: cancelBeforeReservation }),
  // Cancel: a charge may have happened (or may still): refund by order id, then release, then CANCELLED.
  row({ on: 'CancelRequested', in: ['PROCESSING_PAYMENT'], then: cancelWithRefund }),
  // Cancel while already compensating: the order keeps the failure it is being cancelled for; the
  // compensation waited on is sent again now rather than at its backed-off deadline.
  row({ on: 'CancelRequested', in: COMPENSATING_SAGA_STATES, then: cancelWhileCompensating }),
  row({ on: 'StepRetryRequested', in: ENDED_SAGA_STATES, then: refuseEnded }),
  row({ on: 'CancelRequested', in: ENDED_SAGA_STATES, then: refuseEnded }),
];

/** Starts the saga for a freshly inserted pending order: reserve its stock. */
export function startPlaceOrderSaga(items: ReserveStockLine[], timing: SagaTiming): Omit<SagaDecision, 'order' | 'outcome' | 'ignored' | 'refused'> {
  const saga: SagaData = {
    state: 'RESERVING_STOCK',
    reservationId: null,
    paymentId: null,
    stepDeadlineAt: stepDeadline(timing),
    stepAttempts: 1,
    failureReason: null,
    stockReleased: false,
  };
  return {
    saga,
    commands: [{ type: 'ReserveStock', items }],
    timeline: [command('command', 'ReserveStock', { items: items.length, deadline: saga.stepDeadlineAt })],
  };
}

/** ReserveStock's items for an order's lines: a price the client stated is one the catalog must confirm. */
export function reserveStockItems(lines: readonly { productId: string; quantity: number; requestedUnitPriceCents: number | null }[]): ReserveStockLine[] {
  return lines.map(({ productId, quantity, requestedUnitPriceCents }) => ({
    productId,
    quantity,
    ...(requestedUnitPriceCents !== null ? { expectedUnitPriceCents: requestedUnitPriceCents } : {}),
  }));
}

/** The saga's answer to one event: pure, so every row is tested without a database. */
export function decide(saga: SagaView, event: SagaEvent, timing: SagaTiming): SagaDecision {
  const match = PLACE_ORDER_SAGA.find(
    (candidate) => candidate.on === event.type && candidate.in.includes(saga.state) && (candidate.when?.(saga, event, timing) ?? true),
  );
  const before = dataOf(saga);
  if (!match) {
    const timeline =
      'reply' in event ? [{ kind: 'late-reply' as const, name: `${event.type} (ignored)`, message: 'reply' as const, detail: { state: saga.state } }] : [];
    // A terminal saga has no deadline; a stray one is cleared so the sweeper does not pick it again.
    const clearDeadline = !('reply' in event) && !OPEN_SAGA_STATES.includes(saga.state);
    return {
      saga: clearDeadline ? { ...before, stepDeadlineAt: null } : before,
      commands: [],
      order: null,
      timeline,
      outcome: null,
      ignored: true,
      refused: null,
    };
  }
  const { commands, timeline, order, refused, ...changes } = match.then(saga, event, timing);
  if (refused) return { saga: before, commands: [], order: null, timeline: [], outcome: null, ignored: true, refused };
  const after = { ...before, ...changes };
  const outcome = after.state !== saga.state ? (OUTCOMES[after.state] ?? null) : null;
  return { saga: after, commands, order: order ?? null, timeline, outcome, ignored: false, refused: null };
}

/** The deadline event for a saga found overdue in `state`. */
export function deadlineEvent(state: PlaceOrderSagaState): SagaEvent {
  return COMPENSATING_SAGA_STATES.includes(state) ? { type: 'CompensationRetryDue' } : { type: 'StepDeadlinePassed' };
}

// ── the transitions ───────────────────────────────────────────────────────────────────────────────

function chargeForReservedStock(_saga: SagaView, { reply }: EventOf<'StockReserved'>, timing: SagaTiming): Step {
  const { reservationId, items, totalCents } = reply;
  const stepDeadlineAt = stepDeadline(timing);
  return {
    state: 'PROCESSING_PAYMENT',
    reservationId,
    stepDeadlineAt,
    order: { status: 'pending', totalCents, unitPrices: items.map(({ productId, unitPriceCents }) => ({ productId, unitPriceCents })) },
    commands: [{ type: 'ProcessPayment', amountCents: totalCents }],
    timeline: [
      received('StockReserved', { reservationId, totalCents }),
      command('command', 'ProcessPayment', { amountCents: totalCents, deadline: stepDeadlineAt }),
    ],
  };
}

function rejectOrder(_saga: SagaView, { reply }: EventOf<'StockReservationRejected'>): Step {
  const { reason, shortages, priceMismatches } = reply;
  const failure: OrderFailure =
    reason === 'PRICE_MISMATCH'
      ? { code: 'VALIDATION_ERROR', details: { reason, priceMismatches: priceMismatches ?? [] } }
      : { code: 'INSUFFICIENT_INVENTORY', details: { reason, shortages } };
  const failureReason = reason === 'PRICE_MISMATCH' ? 'price_mismatch' : 'insufficient_inventory';
  return {
    state: 'REJECTED',
    stepDeadlineAt: null,
    failureReason,
    ...cancel(failure, failureReason, [received('StockReservationRejected', { reason, shortages, priceMismatches })]),
  };
}

/** Nothing known to undo; a reservation that still shows up is released as a late reply, and inventory expires unconfirmed ones. */
function timeOutReservation(saga: SagaView): Step {
  return {
    state: 'TIMED_OUT',
    stepDeadlineAt: null,
    failureReason: 'inventory_timeout',
    ...cancel({ code: 'INVENTORY_TIMEOUT', details: { reason: 'inventory_timeout' } }, 'inventory_timeout', [timedOut(saga, 'ReserveStock')]),
  };
}

/**
 * The order is confirmed. Inventory commits the reservation (its expiry sweeper must leave it alone) on
 * the OrderCreated event this publishes, so the step sends no command of its own.
 */
function confirmOrder(_saga: SagaView, { reply }: EventOf<'PaymentSucceeded'>): Step {
  const { paymentId, amountCents } = reply;
  return {
    state: 'CONFIRMED',
    stepDeadlineAt: null,
    paymentId,
    order: { status: 'confirmed' },
    commands: [],
    timeline: [received('PaymentSucceeded', { paymentId, amountCents }), outcome('OrderConfirmed', null)],
  };
}

/** Compensate step 1: the order must not keep stock it will never pay for. */
function releaseAfterDecline(saga: SagaView, { reply }: EventOf<'PaymentDeclined'>, timing: SagaTiming): Step {
  const { paymentId, declineCode, message } = reply;
  return {
    paymentId,
    failureReason: 'payment_declined',
    order: { status: 'pending', failure: { code: 'PAYMENT_FAILED', details: { declineCode, message } } },
    ...release(reservationOf(saga), `payment declined: ${declineCode}`, 1, timing, [received('PaymentDeclined', { paymentId, declineCode, message })]),
  };
}

/** The charge may have happened (or may still happen): refund first, then release the stock. */
function refundAfterPaymentTimeout(saga: SagaView, _event: EventOf<'StepDeadlinePassed'>, timing: SagaTiming): Step {
  return {
    failureReason: 'payment_timeout',
    order: { status: 'pending', failure: { code: 'PAYMENT_TIMEOUT', details: { reason: 'payment_timeout' } } },
    ...refund('payment_timeout', 1, timing, [timedOut(saga, 'ProcessPayment')]),
  };
}

function afterRefund(saga: SagaView, { reply }: EventOf<'PaymentRefunded'>, timing: SagaTiming): Step {
  const { outcome: refundOutcome, refundedCents, paymentId } = reply;
  const entry = received('PaymentRefunded', { outcome: refundOutcome, refundedCents, paymentId });
  if (saga.reservationId && !saga.stockReleased) return release(saga.reservationId, saga.failureReason ?? 'compensation', 1, timing, [entry]);
  return finishCompensation(saga, [entry]);
}

function afterRelease(saga: SagaView, { reply }: EventOf<'StockReleased'>): Step {
  return { stockReleased: true, ...finishCompensation(saga, [received('StockReleased', { reservationId: reply.reservationId })]) };
}

function resendRefund(saga: SagaView, _event: EventOf<'CompensationRetryDue'>, timing: SagaTiming): Step {
  return refund(saga.failureReason ?? 'compensation retry', saga.stepAttempts + 1, timing, [timedOut(saga, 'RefundPayment')]);
}

function resendRelease(saga: SagaView, _event: EventOf<'CompensationRetryDue'>, timing: SagaTiming): Step {
  return release(reservationOf(saga), saga.failureReason ?? 'compensation retry', saga.stepAttempts + 1, timing, [timedOut(saga, 'ReleaseStock')]);
}

function releaseLateReservation(saga: SagaView, { reply }: EventOf<'StockReserved'>, timing: SagaTiming): Step {
  const { reservationId } = reply;
  return {
    reservationId,
    stockReleased: false,
    ...release(reservationId, `late reservation after ${saga.failureReason}`, 1, timing, [late('StockReserved', { reservationId, state: saga.state })]),
  };
}

function refundLateCharge(saga: SagaView, { reply }: EventOf<'PaymentSucceeded'>, timing: SagaTiming): Step {
  const { paymentId, amountCents } = reply;
  return {
    paymentId,
    ...refund(`late charge after ${saga.failureReason ?? saga.state}`, 1, timing, [late('PaymentSucceeded', { paymentId, amountCents, state: saga.state })]),
  };
}

function retryStep(saga: SagaView, { action, order }: EventOf<'StepRetryRequested'>, timing: SagaTiming): Step {
  if (saga.state !== 'RESERVING_STOCK' && saga.state !== 'PROCESSING_PAYMENT')
    return operatorStep(saga, 'StepRetryRequested', action, resendCompensation(saga, timing));
  const stepDeadlineAt = stepDeadline(timing);
  const attempt = saga.stepAttempts + 1;
  if (saga.state === 'RESERVING_STOCK') {
    return operatorStep(saga, 'StepRetryRequested', action, {
      stepDeadlineAt,
      stepAttempts: attempt,
      commands: [{ type: 'ReserveStock', items: order.items }],
      timeline: [command('command', 'ReserveStock', { items: order.items.length, attempt, deadline: stepDeadlineAt })],
    });
  }
  if (order.totalCents === null) throw new Error(`saga in ${saga.state} has no order total`);
  return operatorStep(saga, 'StepRetryRequested', action, {
    stepDeadlineAt,
    stepAttempts: attempt,
    commands: [{ type: 'ProcessPayment', amountCents: order.totalCents }],
    timeline: [command('command', 'ProcessPayment', { amountCents: order.totalCents, attempt, deadline: stepDeadlineAt })],
  });
}

function cancelBeforeReservation(saga: SagaView, { action }: EventOf<'CancelRequested'>): Step {
  return operatorStep(saga, 'CancelRequested', action, {
    state: 'CANCELLED',
    stepDeadlineAt: null,
    failureReason: 'operator_cancelled',
    ...cancel(OPERATOR_CANCELLED, 'operator_cancelled', []),
  });
}

function cancelWithRefund(saga: SagaView, { action }: EventOf<'CancelRequested'>, timing: SagaTiming): Step {
  return operatorStep(saga, 'CancelRequested', action, {
    failureReason: 'operator_cancelled',
    order: { status: 'pending', failure: OPERATOR_CANCELLED },
    ...refund('operator_cancelled', 1, timing, []),
  });
}

function cancelWhileCompensating(saga: SagaView, { action }: EventOf<'CancelRequested'>, timing: SagaTiming): Step {
  return operatorStep(saga, 'CancelRequested', action, resendCompensation(saga, timing));
}

function refuseEnded(saga: SagaView, event: EventOf<'StepRetryRequested' | 'CancelRequested'>): Step {
  const what = event.type === 'CancelRequested' ? 'nothing left to cancel' : 'no step to retry';
  return { commands: [], timeline: [], refused: { code: 'SAGA_ALREADY_ENDED', message: `The saga already ended in ${saga.state}: ${what}` } };
}

// ── building blocks ───────────────────────────────────────────────────────────────────────────────

const OPERATOR_CANCELLED: OrderFailure = { code: 'CANCELLED_BY_OPERATOR', details: { reason: 'operator_cancelled' } };

/**
 * An operator's action, first on the timeline: who, why, and what it came to (the states before and
 * after, the commands sent), which is also what the action's idempotent answer is read back from.
 */
function operatorStep(saga: SagaView, name: 'StepRetryRequested' | 'CancelRequested', action: OperatorAction, step: Step): Step {
  const entry: TimelineEntry = {
    kind: 'operator',
    name,
    message: null,
    detail: {
      actionId: action.actionId,
      operatorId: action.operatorId,
      reason: action.reason,
      fromState: saga.state,
      toState: step.state ?? saga.state,
      commands: step.commands.map((sent) => sent.type),
    },
  };
  return { ...step, timeline: [entry, ...step.timeline] };
}

/**
 * Every compensation was answered: the saga is compensated (CANCELLED when an operator cancelled it), and
 * the order cancelled unless it already was settled.
 */
function finishCompensation(saga: SagaView, timeline: TimelineEntry[]): Step {
  const state: PlaceOrderSagaState = saga.failureReason === 'operator_cancelled' ? 'CANCELLED' : 'COMPENSATED';
  if (saga.orderStatus !== 'pending') {
    return {
      state,
      stepDeadlineAt: null,
      commands: [],
      timeline: [...timeline, outcome('CompensationCompleted', { orderStatus: saga.orderStatus })],
    };
  }
  const failure = saga.orderFailure ?? failureFor(saga.failureReason);
  return { state, stepDeadlineAt: null, ...cancel(failure, saga.failureReason, timeline) };
}

function cancel(failure: OrderFailure, reason: FailureReason | null, timeline: TimelineEntry[]): Step {
  return { order: { status: 'cancelled', failure }, commands: [], timeline: [...timeline, outcome('OrderCancelled', { failureCode: failure.code, reason })] };
}

/** The compensation the saga waits on, sent again now: one attempt more, the backoff counted from it. */
function resendCompensation(saga: SagaView, timing: SagaTiming): Step {
  const reason = saga.failureReason ?? 'compensation retry';
  const attempt = saga.stepAttempts + 1;
  return saga.state === 'REFUNDING_PAYMENT' ? refund(reason, attempt, timing, []) : release(reservationOf(saga), reason, attempt, timing, []);
}

function release(reservationId: string, reason: string, attempt: number, timing: SagaTiming, timeline: TimelineEntry[]): Step {
  const stepDeadlineAt = compensationDeadline(timing, attempt);
  return {
    state: 'RELEASING_STOCK',
    stepDeadlineAt,
    stepAttempts: attempt,
    commands: [{ type: 'ReleaseStock', reservationId, reason }],
    timeline: [...timeline, command('compensation', 'ReleaseStock', { reservationId, attempt, deadline: stepDeadlineAt })],
  };
}

function refund(reason: string, attempt: number, timing: SagaTiming, timeline: TimelineEntry[]): Step {
  const stepDeadlineAt = compensationDeadline(timing, attempt);
  return {
    state: 'REFUNDING_PAYMENT',
    stepDeadlineAt,
    stepAttempts: attempt,
    commands: [{ type: 'RefundPayment', reason }],
    timeline: [...timeline, command('compensation', 'RefundPayment', { reason, attempt, deadline: stepDeadlineAt })],
  };
}

/** What a compensated order failed with when its reason left no failure on the order. */
function failureFor(reason: FailureReason | null): OrderFailure {
  if (reason === 'payment_timeout') return { code: 'PAYMENT_TIMEOUT', details: { reason } };
  if (reason === 'inventory_timeout') return { code: 'INVENTORY_TIMEOUT', details: { reason } };
  if (reason === 'operator_cancelled') return OPERATOR_CANCELLED;
  return { code: 'CONFLICT', details: { reason: reason ?? 'compensated' } };
}

function overdue(saga: SagaView, _event: SagaEvent, { now }: SagaTiming): boolean {
  return saga.stepDeadlineAt !== null && saga.stepDeadlineAt.getTime() <= now.getTime();
}

function releasesOurReservation(saga: SagaView, { reply }: EventOf<'StockReleased'>): boolean {
  return reply.reservationId === saga.reservationId;
}

/** Paying and releasing happen only after a reservation; a saga there without one is corrupt, and must not guess. */
function reservationOf(saga: SagaView): string {
  if (!saga.reservationId) throw new Error(`saga in ${saga.state} has no reservation`);
  return saga.reservationId;
}

function stepDeadline({ now, stepTimeoutMs }: SagaTiming): Date {
  return new Date(now.getTime() + stepTimeoutMs);
}

/** Re-sends back off exponentially from SAGA_COMPENSATION_RETRY_MS, capped, never stopping. */
export function compensationDeadline({ now, compensationRetryMs }: SagaTiming, attempt: number): Date {
  const pause = Math.min(compensationRetryMs * 2 ** Math.min(attempt - 1, 10), Math.max(MAX_COMPENSATION_RETRY_MS, compensationRetryMs));
  return new Date(now.getTime() + pause);
}

function dataOf({ state, reservationId, paymentId, stepDeadlineAt, stepAttempts, failureReason, stockReleased }: SagaView): SagaData {
  return { state, reservationId, paymentId, stepDeadlineAt, stepAttempts, failureReason, stockReleased };
}

function received(name: string, detail: Record<string, unknown>): TimelineEntry {
  return { kind: 'reply', name, message: 'reply', detail };
}

function late(name: string, detail: Record<string, unknown>): TimelineEntry {
  return { kind: 'late-reply', name, message: 'reply', detail };
}

function command(kind: 'command' | 'compensation', name: SagaCommand['type'], detail: Record<string, unknown>): TimelineEntry {
  return { kind, name, message: 'command', detail };
}

function timedOut(saga: SagaView, name: SagaCommand['type']): TimelineEntry {
  return { kind: 'timeout', name, message: null, detail: { deadline: saga.stepDeadlineAt, attempts: saga.stepAttempts } };
}

function outcome(name: 'OrderConfirmed' | 'OrderCancelled' | 'CompensationCompleted', detail: Record<string, unknown> | null): TimelineEntry {
  return { kind: 'outcome', name, message: null, detail };
}
