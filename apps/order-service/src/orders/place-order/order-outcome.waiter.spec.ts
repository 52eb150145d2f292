import type { PgListener } from '@order-saga/shared/database';
import type { EntityManager } from 'typeorm';
import type { OrderServiceConfig } from '../../config/order-service.config';
import { OrderOutcomeWaiter, SettledOrder } from './order-outcome.waiter';
import type { SagaRecord } from './place-order-saga.repository';

const BUDGET_MS = 8000;

/** The waiter with a stand-in for the LISTEN connection, which these specs drive by hand. */
async function waiter() {
  let onNotify: (payload: string) => void = () => undefined;
  const listener = {
    subscribe: async (_channel: string, handler: (payload: string) => void) => ((onNotify = handler), () => undefined),
  } as unknown as PgListener;
  const subject = new OrderOutcomeWaiter(listener, { ORDER_OUTCOME_WAIT_MS: BUDGET_MS } as OrderServiceConfig);
  await subject.onApplicationBootstrap();
  return { subject, notify: (orderId: string) => onNotify(orderId) };
}

/** Outside a transaction: afterCommit runs at once, and a NOTIFY would go through `query`. */
const queries: unknown[][] = [];
const manager = { queryRunner: undefined, query: async (...args: unknown[]) => void queries.push(args) } as unknown as EntityManager;

const confirmed = (orderId: string, createdAt = new Date()): SagaRecord => ({
  sagaId: 'saga-1',
  orderId,
  version: 3,
  createdAt,
  view: {
    state: 'CONFIRMED',
    reservationId: 'r',
    paymentId: 'p',
    stepDeadlineAt: null,
    stepAttempts: 1,
    failureReason: null,
    stockReleased: false,
    orderStatus: 'confirmed',
    orderFailure: null,
  },
  order: { clientId: 'c', customerId: 'CUST-1', totalCents: 2500, createdAt, lines: [{ productId: 'SKU-1', quantity: 2, unitPriceCents: 1250 }] },
});

describe('OrderOutcomeWaiter', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    queries.length = 0;
  });
  afterEach(() => jest.useRealTimers());

  it('hands a request the order its saga settled in this replica, without a NOTIFY', async () => {
    const { subject } = await waiter();
    const waiting = subject.expect('ORD-1');

    await subject.settled(manager, confirmed('ORD-1'), new Date());

    await expect(waiting).resolves.toEqual<SettledOrder>({
      status: 'confirmed',
      totalCents: 2500,
      failure: null,
      lines: [{ productId: 'SKU-1', quantity: 2, unitPriceCents: 1250 }],
    });
    expect(queries).toEqual([]);
  });

  it('wakes a request with null (read the order) on another replica notification', async () => {
    const { subject, notify } = await waiter();
    const waiting = subject.expect('ORD-1');

    notify('ORD-1');

    await expect(waiting).resolves.toBeNull();
  });

  it('answers every request once its budget has passed, on one timer for all of them', async () => {
    const { subject } = await waiter();
    const answers: string[] = [];
    const first = subject.expect('ORD-1').then(() => answers.push('ORD-1'));
    jest.advanceTimersByTime(1000);
    const second = subject.expect('ORD-2').then(() => answers.push('ORD-2'));
    expect(jest.getTimerCount()).toBe(1);

    jest.advanceTimersByTime(BUDGET_MS - 1000);
    await first;
    expect(answers).toEqual(['ORD-1']);
    jest.advanceTimersByTime(1000);
    await second;
    expect(answers).toEqual(['ORD-1', 'ORD-2']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('sends a NOTIFY for a young order whose request waits elsewhere, and none for an old one', async () => {
    const { subject } = await waiter();
    const now = new Date();

    await subject.settled(manager, confirmed('ORD-1', now), now);
    await subject.settled(manager, confirmed('ORD-2', new Date(now.getTime() - BUDGET_MS - 2000)), now);

    expect(queries).toEqual([['SELECT pg_notify($1, $2)', ['order_outcome', 'ORD-1']]]);
  });

  it('a forgotten request is not woken', async () => {
    const { subject } = await waiter();
    let woken = false;
    void subject.expect('ORD-1').then(() => (woken = true));

    subject.forget('ORD-1');
    await subject.settled(manager, confirmed('ORD-1'), new Date());
    jest.advanceTimersByTime(BUDGET_MS);
    await Promise.resolve();

    expect(woken).toBe(false);
  });
});
