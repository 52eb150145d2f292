import { OrderKind, PlannedOrder } from './workload';

/** What the client finally got for one planned order, after retrying dropped connections and 503s. */
export interface ClientOutcome {
  idempotencyKey: string;
  /** HTTP status of the final answer, or 'gave-up' when no final answer came before the deadline. */
  finalStatus: number | 'gave-up';
  /** error_code of an error answer. */
  errorCode?: string;
  orderId?: string;
  /** A retry met its own earlier attempt still running (409 with the existing order's id): the client polls it, like a 202. */
  inFlight?: boolean;
  attempts: number;
}

export interface OrderRow {
  orderId: string;
  status: string;
  failureCode: string | null;
  idempotencyKey: string | null;
}

export interface ProductRow {
  productId: string;
  available: number;
  reserved: number;
  /** Only when inventory keeps a sold counter of its own. */
  sold?: number;
}

export interface ReservationLineRow {
  reservationId: string;
  orderId: string;
  status: string;
  productId: string;
  quantity: number;
}

/** One payment row, already read as "was money taken" and "was it given back". */
export interface PaymentRow {
  orderId: string;
  status: string;
  charged: boolean;
  refunded: boolean;
}

export interface LifecycleEventRow {
  messageId: string;
  orderId: string;
  type: string;
}

export interface ReceivedWebhook {
  eventId: string;
  eventType: string;
  orderId: string;
  /** The order status the event announces, when it announces one. */
  status?: string;
  signatureValid: boolean;
}

export interface Snapshot {
  planned: PlannedOrder[];
  outcomes: ClientOutcome[];
  initialStock: Record<string, number>;
  orders: OrderRow[];
  products: ProductRow[];
  reservationLines: ReservationLineRow[];
  payments: PaymentRow[];
  lifecycleEvents: LifecycleEventRow[];
  webhooks: ReceivedWebhook[];
  deadLetters: { source: string; count: number }[];
}

export interface ProductFigures {
  productId: string;
  initial: number;
  available: number;
  /** Held for orders that are not (yet) confirmed. */
  reserved: number;
  /** Reserved for confirmed orders. */
  sold: number;
  ok: boolean;
}

export interface Figures {
  ordersPlanned: number;
  ordersPlaced: number;
  terminal: number;
  confirmed: number;
  cancelled: number;
  stuck: number;
  stuckOrderIds: string[];
  byKind: Record<OrderKind, Record<string, number>>;
  clientAnswers: Record<string, number>;
  products: ProductFigures[];
  doubleCharged: string[];
  cancelledButCharged: string[];
  confirmedWithoutCharge: string[];
  leakedReservations: string[];
  eventsExpected: number;
  eventsReceivedDistinct: number;
  eventsDuplicated: number;
  eventsMissing: string[];
  ordersWithoutTerminalEvent: string[];
  badSignatures: number;
  deadLettered: number;
  deadLetterSources: { source: string; count: number }[];
}

export const TERMINAL_STATUSES = new Set(['confirmed', 'cancelled']);
/** Reservation states that still hold stock (counted in product.reserved). */
const HELD = new Set(['reserved']);
/** Reservation states of stock that left with a confirmed order, if inventory marks them. */
const SOLD = new Set(['confirmed', 'committed', 'sold']);

/**
 * Checks a settled system against what may never happen. Pure: the snapshot is read from the
 * services' databases and the webhook recorder, so this can be tested with hand-made snapshots.
 */
export function evaluate(snapshot: Snapshot): { figures: Figures; violations: string[] } {
  const violations: string[] = [];
  const orderById = new Map(snapshot.orders.map((order) => [order.orderId, order]));
  const orderByKey = new Map(snapshot.orders.flatMap((order) => (order.idempotencyKey ? [[order.idempotencyKey, order] as const] : [])));
  const outcomeByKey = new Map(snapshot.outcomes.map((outcome) => [outcome.idempotencyKey, outcome]));
  const isConfirmed = (orderId: string) => orderById.get(orderId)?.status === 'confirmed';
  const sample = (ids: string[]) => (ids.length > 5 ? `${ids.slice(0, 5).join(', ')} … (+${ids.length - 5})` : ids.join(', '));

  // ── orders ──
  const stuck = snapshot.orders.filter((order) => !TERMINAL_STATUSES.has(order.status));
  if (stuck.length > 0) violations.push(`${stuck.length} order(s) not terminal: ${sample(stuck.map((order) => order.orderId))}`);
  const plannedKeys = new Set(snapshot.planned.map((order) => order.idempotencyKey));
  const ghosts = snapshot.orders.filter((order) => !order.idempotencyKey || !plannedKeys.has(order.idempotencyKey));
  if (ghosts.length > 0) violations.push(`${ghosts.length} order(s) nobody placed: ${sample(ghosts.map((order) => order.orderId))}`);

  const byKind = {} as Record<OrderKind, Record<string, number>>;
  const clientAnswers: Record<string, number> = {};
  for (const planned of snapshot.planned) {
    const order = orderByKey.get(planned.idempotencyKey);
    const outcome = outcomeByKey.get(planned.idempotencyKey);
    const answer = `${outcome?.finalStatus ?? 'not sent'}${outcome?.inFlight ? ' in-flight' : ''}`;
    clientAnswers[answer] = (clientAnswers[answer] ?? 0) + 1;
    const ending = order ? (order.status === 'cancelled' ? `cancelled:${order.failureCode ?? '?'}` : order.status) : 'no order';
    byKind[planned.kind] = { ...byKind[planned.kind], [ending]: (byKind[planned.kind]?.[ending] ?? 0) + 1 };

    const where = `${planned.idempotencyKey}${order ? ` (order ${order.orderId})` : ''}`;
    if (!order) {
      violations.push(`${where}: no order, though the client got ${answer}`);
      continue;
    }
    if ((planned.kind === 'declined' || planned.kind === 'out-of-stock') && order.status === 'confirmed') {
      violations.push(`${where}: a ${planned.kind} order was confirmed`);
    }
    if (!outcome || outcome.finalStatus === 'gave-up') {
      violations.push(`${where}: the client never got a final answer`);
      continue;
    }
    const expected = expectedEnding(outcome);
    if (expected === 'unexpected') violations.push(`${where}: unexpected answer ${outcome.finalStatus} ${outcome.errorCode ?? ''}`.trimEnd());
    else if (expected && TERMINAL_STATUSES.has(order.status) && !endsAs(order, expected)) {
      violations.push(`${where}: the client was told ${expected} (${outcome.finalStatus}) but the order ended ${ending}`);
    }
    if (outcome.orderId && outcome.orderId !== order.orderId) {
      violations.push(`${where}: the client was given order ${outcome.orderId}, the key belongs to ${order.orderId}`);
    }
  }

  // ── stock ──
  const productFigures: ProductFigures[] = snapshot.products.map((product) => {
    const lines = snapshot.reservationLines.filter((line) => line.productId === product.productId);
    const forConfirmed = lines.filter((line) => isConfirmed(line.orderId));
    const soldLines = sum(forConfirmed.filter((line) => HELD.has(line.status) || SOLD.has(line.status)));
    // A confirmed order's reservation may still sit in the reserved counter (state 'reserved'); it counts as sold, once.
    const soldInReservedColumn = sum(forConfirmed.filter((line) => HELD.has(line.status)));
    const heldRows = sum(lines.filter((line) => HELD.has(line.status) && !isConfirmed(line.orderId)));
    const reserved = product.reserved - soldInReservedColumn;
    const sold = product.sold ?? soldLines;
    const initial = snapshot.initialStock[product.productId] ?? Number.NaN;
    const ok = product.available + reserved + sold === initial;
    if (!ok)
      violations.push(
        `${product.productId}: available ${product.available} + reserved ${reserved} + sold ${sold} = ${product.available + reserved + sold} ≠ initial ${initial}`,
      );
    if (reserved !== heldRows) violations.push(`${product.productId}: reserved counter says ${reserved} but open reservations hold ${heldRows}`);
    if (product.sold !== undefined && product.sold !== soldLines)
      violations.push(`${product.productId}: sold counter ${product.sold} ≠ ${soldLines} reserved by confirmed orders`);
    return { productId: product.productId, initial, available: product.available, reserved, sold, ok };
  });
  const releasedButConfirmed = unique(
    snapshot.reservationLines.filter((line) => isConfirmed(line.orderId) && !HELD.has(line.status) && !SOLD.has(line.status)).map((line) => line.orderId),
  );
  if (releasedButConfirmed.length > 0)
    violations.push(`${releasedButConfirmed.length} confirmed order(s) whose stock was given back: ${sample(releasedButConfirmed)}`);
  const confirmedWithoutStock = snapshot.orders.filter(
    (order) => order.status === 'confirmed' && !snapshot.reservationLines.some((line) => line.orderId === order.orderId),
  );
  if (confirmedWithoutStock.length > 0)
    violations.push(`${confirmedWithoutStock.length} confirmed order(s) without a reservation: ${sample(confirmedWithoutStock.map((order) => order.orderId))}`);

  const leakedReservations = unique(
    snapshot.reservationLines.filter((line) => HELD.has(line.status) && !isConfirmed(line.orderId)).map((line) => line.orderId),
  );
  if (leakedReservations.length > 0)
    violations.push(`${leakedReservations.length} reservation(s) still held for orders that are not confirmed: ${sample(leakedReservations)}`);

  // ── payments ──
  const net = new Map<string, number>();
  for (const payment of snapshot.payments) {
    net.set(payment.orderId, (net.get(payment.orderId) ?? 0) + (payment.charged ? 1 : 0) - (payment.refunded ? 1 : 0));
  }
  const doubleCharged = [...net].filter(([, count]) => count > 1).map(([orderId]) => orderId);
  const cancelledButCharged = [...net].filter(([orderId, count]) => count >= 1 && orderById.get(orderId)?.status === 'cancelled').map(([orderId]) => orderId);
  const confirmedWithoutCharge = snapshot.orders
    .filter((order) => order.status === 'confirmed' && (net.get(order.orderId) ?? 0) < 1)
    .map((order) => order.orderId);
  if (doubleCharged.length > 0) violations.push(`${doubleCharged.length} order(s) charged more than once: ${sample(doubleCharged)}`);
  if (cancelledButCharged.length > 0)
    violations.push(`${cancelledButCharged.length} cancelled order(s) charged and not refunded: ${sample(cancelledButCharged)}`);
  if (confirmedWithoutCharge.length > 0)
    violations.push(`${confirmedWithoutCharge.length} confirmed order(s) without a charge: ${sample(confirmedWithoutCharge)}`);

  // ── webhooks ──
  const received = new Set(snapshot.webhooks.map((webhook) => webhook.eventId));
  const eventsMissing = snapshot.lifecycleEvents.filter((event) => !received.has(event.messageId)).map((event) => event.messageId);
  if (eventsMissing.length > 0) violations.push(`${eventsMissing.length} order event(s) never reached the webhook receiver: ${sample(eventsMissing)}`);
  const announced = new Set(snapshot.webhooks.filter((webhook) => webhook.status).map((webhook) => `${webhook.orderId}:${webhook.status}`));
  const ordersWithoutTerminalEvent = snapshot.orders
    .filter((order) => TERMINAL_STATUSES.has(order.status) && !announced.has(`${order.orderId}:${order.status}`))
    .map((order) => order.orderId);
  if (ordersWithoutTerminalEvent.length > 0)
    violations.push(`${ordersWithoutTerminalEvent.length} terminal order(s) whose outcome no webhook announced: ${sample(ordersWithoutTerminalEvent)}`);
  const badSignatures = snapshot.webhooks.filter((webhook) => !webhook.signatureValid).length;
  if (badSignatures > 0) violations.push(`${badSignatures} webhook(s) with a bad signature`);

  const deadLettered = snapshot.deadLetters.reduce((total, source) => total + source.count, 0);
  if (deadLettered > 0)
    violations.push(
      `${deadLettered} message(s) dead-lettered: ${snapshot.deadLetters
        .filter((source) => source.count > 0)
        .map((source) => `${source.source} ${source.count}`)
        .join(', ')}`,
    );

  const terminal = snapshot.orders.length - stuck.length;
  return {
    violations,
    figures: {
      ordersPlanned: snapshot.planned.length,
      ordersPlaced: snapshot.orders.length,
      terminal,
      confirmed: snapshot.orders.filter((order) => order.status === 'confirmed').length,
      cancelled: snapshot.orders.filter((order) => order.status === 'cancelled').length,
      stuck: stuck.length,
      stuckOrderIds: stuck.map((order) => order.orderId),
      byKind,
      clientAnswers,
      products: productFigures,
      doubleCharged,
      cancelledButCharged,
      confirmedWithoutCharge,
      leakedReservations,
      eventsExpected: snapshot.lifecycleEvents.length,
      eventsReceivedDistinct: received.size,
      eventsDuplicated: snapshot.webhooks.length - received.size,
      eventsMissing,
      ordersWithoutTerminalEvent,
      badSignatures,
      deadLettered,
      deadLetterSources: snapshot.deadLetters,
    },
  };
}

/** The order state a final answer promises: `confirmed`, `cancelled:<code>`, none (202), or unexpected. */
function expectedEnding(outcome: ClientOutcome): string | undefined | 'unexpected' {
  if (outcome.inFlight) return undefined;
  switch (outcome.finalStatus) {
    case 200:
    case 201:
      return 'confirmed';
    case 202:
      return undefined;
    case 402:
      return outcome.errorCode === 'PAYMENT_FAILED' ? 'cancelled:PAYMENT_FAILED' : 'unexpected';
    case 409:
      // Any other 409 is a cancellation for another reason (a saga timeout, say): fine, as long as the order is cancelled.
      return outcome.errorCode === 'INSUFFICIENT_INVENTORY' ? 'cancelled:INSUFFICIENT_INVENTORY' : 'cancelled:*';
    default:
      return 'unexpected';
  }
}

function endsAs(order: OrderRow, expected: string): boolean {
  if (expected === 'confirmed') return order.status === 'confirmed';
  if (expected === 'cancelled:*') return order.status === 'cancelled';
  return `${order.status}:${order.failureCode}` === expected;
}

function sum(lines: ReservationLineRow[]): number {
  return lines.reduce((total, line) => total + line.quantity, 0);
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
