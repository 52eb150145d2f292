import { randomBytes, randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import {
  MessageDefinition,
  MessageEnvelope,
  PAYMENT_DECLINED,
  PAYMENT_REFUNDED,
  PAYMENT_SUCCEEDED,
  PaymentSucceededReply,
  STOCK_RELEASED,
  STOCK_RESERVED,
  StockReservedReply,
} from '@order-saga/contracts';
import { deferOutboxAppends, kafkaConsumerOptions, waitForConsumerGroup } from '@order-saga/shared/messaging';
import { FakeParticipants, SeenCommand, stockReservedFor } from '../../testing/fake-participants';
import { pollUntil, ServiceUnderTest, startServiceUnderTest, testEnvelope, testKafkaBrokers } from '@order-saga/shared/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { decide } from '../domain/place-order.saga';
import { ORDER_OUTCOME_CHANNEL, OrderOutcomeWaiter } from './order-outcome.waiter';
import { newOrderId } from '../domain/order-id';
import { PlaceOrderSagaHandler } from './place-order-saga.handler';
import { NewOrder, PlaceOrderSagaRepository } from './place-order-saga.repository';
import type { PlaceOrderHandler, PlaceOrderResult } from './place-order.handler';
import type { PlaceOrderRequestDto } from '@order-saga/contracts/http';

/**
 * The PlaceOrder saga's failure paths on real PostgreSQL and Kafka: two order-service replicas (the
 * AppModule, with short step deadlines) and the test playing inventory-service and payment-service
 * on the command and reply topics, so it can stay silent, answer late or answer twice.
 * Needs KAFKA_BROKERS (set by `npm test`).
 */
const suffix = randomBytes(4).toString('hex');
const group = `order-service-it-${suffix}`;
const CLIENT = 'it-client';
const CUSTOMER = 'CUST-IT-1';
const STEP_TIMEOUT_MS = 1500;

/** An order of `quantity` SKU-IT-1 by the test's customer, without address or idempotency key. */
function newOrderOf(orderId: string, quantity: number, estimatedDelivery: Date): NewOrder {
  return {
    orderId,
    clientId: CLIENT,
    customerId: CUSTOMER,
    shippingAddress: null,
    idempotencyKey: null,
    idempotencyRequestHash: null,
    estimatedDelivery,
    lines: [{ productId: 'SKU-IT-1', quantity, requestedUnitPriceCents: null }],
  };
}

describe('PlaceOrder saga: timeouts, compensations and late replies (PostgreSQL + Kafka, 2 replicas)', () => {
  const brokers = process.env.KAFKA_BROKERS ?? '';
  const kafka = new Kafka({ clientId: 'order-saga-it', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const participants = new FakeParticipants(kafka, `fake-participants-${suffix}`);
  let service: ServiceUnderTest | undefined;
  /** Replica A answers HTTP and consumes nothing; replica B consumes the replies. Both relay and sweep. */
  let replicaA: INestApplication;
  let replicaB: INestApplication;
  let dataSource: DataSource;
  /** Every order_outcome NOTIFY, as any replica would hear it. */
  const outcomeNotifications: string[] = [];
  let listener: Client | undefined;

  beforeAll(async () => {
    service = await startServiceUnderTest({
      name: 'saga',
      module: () => import('../../app.module').then((loaded) => loaded.AppModule),
      env: {
        KAFKA_BROKERS: testKafkaBrokers(),
        SAGA_STEP_TIMEOUT_MS: String(STEP_TIMEOUT_MS),
        SAGA_COMPENSATION_RETRY_MS: String(STEP_TIMEOUT_MS),
        SAGA_SWEEP_INTERVAL_MS: '200',
        OUTBOX_POLL_INTERVAL_MS: '200',
        // Longer than any test: an answer before it can only come from the outcome notification.
        ORDER_OUTCOME_WAIT_MS: '55000',
      },
    });
    replicaA = await service.boot();
    replicaB = await service.boot(kafkaConsumerOptions(group, brokers));
    dataSource = replicaA.get(DataSource);
    await waitForConsumerGroup(kafka, group);
    await participants.start();
    await dataSource.query(`INSERT INTO customer (client_id, customer_id, name, status) VALUES ($1, $2, 'IT customer', 'active')`, [CLIENT, CUSTOMER]);
    listener = new Client({ connectionString: service.database.url });
    await listener.connect();
    listener.on('notification', ({ payload }) => void outcomeNotifications.push(payload ?? ''));
    await listener.query(`LISTEN ${ORDER_OUTCOME_CHANNEL}`);
  }, 90_000);

  afterAll(async () => {
    await listener?.end();
    await participants.stop();
    await service?.stop();
  });

  /** Places an order on replica A (unless told); resolves with the handler's answer (or its error) once it has one. */
  const placeOrder = async (productId = 'SKU-IT-1', replica = replicaA) => {
    const handler = replica.get<PlaceOrderHandler>((await import('./place-order.handler')).PlaceOrderHandler);
    const request = { customer_id: CUSTOMER, items: [{ product_id: productId, quantity: 2 }] } as PlaceOrderRequestDto;
    const answer: Promise<PlaceOrderResult | Error> = handler
      .handle(CLIENT, request, { requestId: randomUUID(), traceparent: null, idempotencyKey: null })
      .catch((error: Error) => error);
    const { envelope } = await participants.awaitCommand(await pollUntil(() => newestOrderId(), { description: 'the new order' }), 'ReserveStock');
    return { orderId: envelope.correlationId, answer };
  };
  let knownOrders = new Set<string>();
  const newestOrderId = async () => {
    const rows: { order_id: string }[] = await dataSource.query('SELECT order_id FROM customer_order');
    const fresh = rows.map((row) => row.order_id).find((id) => !knownOrders.has(id));
    if (fresh) knownOrders = new Set([...knownOrders, fresh]);
    return fresh;
  };
  const sagaOf = async (orderId: string) =>
    (await dataSource.query('SELECT state, failure_reason, step_attempts FROM saga_instance WHERE order_id = $1', [orderId]))[0] as {
      state: string;
      failure_reason: string | null;
      step_attempts: number;
    };
  const orderOf = async (orderId: string) =>
    (await dataSource.query('SELECT status, failure_code FROM customer_order WHERE order_id = $1', [orderId]))[0] as {
      status: string;
      failure_code: string | null;
    };
  const untilSagaState = (orderId: string, state: string) =>
    pollUntil(async () => ((await sagaOf(orderId)).state === state ? true : undefined), { description: `saga of ${orderId} in ${state}` });
  const outboxTypes = async (orderId: string) =>
    ((await dataSource.query('SELECT message_type FROM outbox WHERE message_key = $1 ORDER BY id', [orderId])) as { message_type: string }[]).map(
      (row) => row.message_type,
    );
  const ordersWithKey = async (key: string) =>
    ((await dataSource.query('SELECT order_id FROM customer_order WHERE idempotency_key = $1', [key])) as { order_id: string }[]).map((row) => row.order_id);
  /** Runs `work` in a transaction whose manager counts the statements sent through it. */
  const statementsOf = async (work: (manager: EntityManager) => Promise<unknown>) => {
    let statements = 0;
    await dataSource.transaction((manager) =>
      work(
        new Proxy(manager, {
          get: (target, property, receiver) =>
            property === 'query'
              ? (...args: Parameters<EntityManager['query']>) => (statements++, target.query(...args))
              : Reflect.get(target, property, receiver),
        }),
      ),
    );
    return statements;
  };
  const timeline = async (orderId: string) =>
    (await dataSource.query('SELECT kind, name FROM saga_step WHERE order_id = $1 ORDER BY id', [orderId])) as { kind: string; name: string }[];
  /** The saga took the reservation and asked for the payment: its state, its outbox and its timeline say so. */
  const expectPaymentAskedFor = async (orderId: string) => {
    expect((await sagaOf(orderId)).state).toBe('PROCESSING_PAYMENT');
    expect(await outboxTypes(orderId)).toEqual(['ReserveStock', 'ProcessPayment']);
    expect(await timeline(orderId)).toEqual([
      { kind: 'command', name: 'ReserveStock' },
      { kind: 'reply', name: 'StockReserved' },
      { kind: 'command', name: 'ProcessPayment' },
    ]);
  };
  /** The order_outcome notifications sent so far: a sentinel sent now arrives after every NOTIFY already committed. */
  const notifiedSoFar = async () => {
    const sentinel = `sentinel-${randomUUID()}`;
    await dataSource.query('SELECT pg_notify($1, $2)', [ORDER_OUTCOME_CHANNEL, sentinel]);
    await pollUntil(async () => (outcomeNotifications.includes(sentinel) ? true : undefined), { description: 'the sentinel notification' });
    return outcomeNotifications;
  };
  const reserve = (command: SeenCommand, reservationId = randomUUID()) =>
    participants.reply(STOCK_RESERVED, command, command.envelope.correlationId, stockReservedFor(command.envelope.correlationId, 2, reservationId));
  /**
   * A saga of `quantity` SKU-IT-1 started, in a transaction of its own, at `later` (an hour ahead), so the
   * sweep leaves its deadlines alone during the test; `statements` counts what the start sent.
   */
  const sagaStartedAhead = async (quantity: number, later = new Date(Date.now() + 3_600_000)) => {
    const orderId = newOrderId();
    knownOrders = new Set([...knownOrders, orderId]);
    const origin = { correlationId: orderId, causationId: null, requestId: null, traceparent: null };
    const saga = replicaA.get(PlaceOrderSagaHandler);
    const statements = await statementsOf((manager) => saga.start(manager, newOrderOf(orderId, quantity, later), origin, later));
    return { orderId, origin, later, saga, statements };
  };

  it('confirms an order answered in time, the answer reaching replica A while replica B consumed the replies', async () => {
    const { orderId, answer } = await placeOrder();
    await reserve(await participants.awaitCommand(orderId, 'ReserveStock'));
    const charge = await participants.awaitCommand(orderId, 'ProcessPayment');
    await participants.reply(PAYMENT_SUCCEEDED, charge, orderId, { orderId, paymentId: randomUUID(), amountCents: 2500, currency: 'USD' });

    await expect(answer).resolves.toMatchObject({ outcome: 'confirmed', order: { orderId, status: 'confirmed' } });
    // Inventory confirms the reservation on OrderCreated: the saga sends no command of its own for it.
    expect(await outboxTypes(orderId)).toEqual(['ReserveStock', 'ProcessPayment', 'OrderCreated']);
    expect((await sagaOf(orderId)).state).toBe('CONFIRMED');
    expect(outcomeNotifications).toContain(orderId);
  }, 30_000);

  it('answers an order whose replies the same replica consumed in-process, without a NOTIFY', async () => {
    const { orderId, answer } = await placeOrder('SKU-IT-1', replicaB);
    await reserve(await participants.awaitCommand(orderId, 'ReserveStock'));
    const charge = await participants.awaitCommand(orderId, 'ProcessPayment');
    await participants.reply(PAYMENT_SUCCEEDED, charge, orderId, { orderId, paymentId: randomUUID(), amountCents: 2500, currency: 'USD' });

    await expect(answer).resolves.toMatchObject({ outcome: 'confirmed', order: { orderId, status: 'confirmed' } });
    expect(await notifiedSoFar()).not.toContain(orderId);
  }, 30_000);

  it('a step whose saga changed after it was read writes nothing and fails as a serialization failure, to be decided again', async () => {
    const { orderId, origin, later } = await sagaStartedAhead(1);
    const repository = replicaA.get(PlaceOrderSagaRepository);
    const attempt = dataSource.transaction(async (manager) => {
      const record = (await repository.find(manager, orderId))!;
      // Another transaction (a reply on another topic, the sweep) moves the saga on in between.
      await dataSource.query('UPDATE saga_instance SET version = version + 1 WHERE order_id = $1', [orderId]);
      const rejected = { orderId, reason: 'INSUFFICIENT_INVENTORY' as const, shortages: [] };
      const decision = decide(
        record.view,
        { type: 'StockReservationRejected', reply: rejected },
        { now: later, stepTimeoutMs: STEP_TIMEOUT_MS, compensationRetryMs: STEP_TIMEOUT_MS },
      );
      await repository.apply(manager, record, decision, null, origin, later);
    });

    await expect(attempt).rejects.toMatchObject({ name: 'SagaMovedOnError', code: '40001' });
    expect(await orderOf(orderId)).toEqual({ status: 'pending', failure_code: null });
    expect((await sagaOf(orderId)).state).toBe('RESERVING_STOCK');
    expect(await timeline(orderId)).toEqual([{ kind: 'command', name: 'ReserveStock' }]);
    expect(await outboxTypes(orderId)).toEqual(['ReserveStock']);
  }, 30_000);

  it('a step deciding on a stale copy of the saga writes nothing, reads the saga again and applies in the same transaction', async () => {
    const { orderId, later, saga } = await sagaStartedAhead(2);
    // Another replica or the sweep moved the saga: replica A's copy is now one version behind.
    await dataSource.query('UPDATE saga_instance SET version = version + 1 WHERE order_id = $1', [orderId]);
    const reserved = stockReservedFor(orderId, 2);
    const envelope = testEnvelope(STOCK_RESERVED, orderId, reserved, { occurredAt: later });

    // The refused compare-and-set, the read, the compare-and-set that applies.
    expect(await statementsOf((manager) => saga.onReply(manager, envelope, { type: 'StockReserved', reply: reserved }, later))).toBe(3);
    await expectPaymentAskedFor(orderId);
  }, 30_000);

  it("a deadline's step decides on the saga as the database has it, not on this process's stale copy", async () => {
    const { orderId, later, saga } = await sagaStartedAhead(1);
    // Another replica moved the saga on: its deadline has passed at `later`, while replica A's copy
    // still holds the deadline it started with, which has not (so that copy would say "nothing to do").
    await dataSource.query(`UPDATE saga_instance SET step_deadline_at = $2, version = version + 1 WHERE order_id = $1`, [
      orderId,
      new Date(later.getTime() - 1000),
    ]);

    await dataSource.transaction((manager) => saga.onDeadline(manager, orderId, later));

    expect((await sagaOf(orderId)).state).toBe('TIMED_OUT');
    expect(await orderOf(orderId)).toEqual({ status: 'cancelled', failure_code: 'INVENTORY_TIMEOUT' });
  }, 30_000);

  it('an idempotency key: the same body in flight is a CONFLICT, another body a DUPLICATE_ORDER, and an expired key is taken over', async () => {
    const handler = replicaA.get<PlaceOrderHandler>((await import('./place-order.handler')).PlaceOrderHandler);
    const key = `key-${randomUUID()}`;
    const body = { customer_id: CUSTOMER, items: [{ product_id: 'SKU-IT-1', quantity: 1 }] } as PlaceOrderRequestDto;
    const meta = { requestId: randomUUID(), traceparent: null, idempotencyKey: key };
    const first = handler.handle(CLIENT, body, meta).catch((error: Error) => error);
    const orderId = await pollUntil(() => newestOrderId(), { description: 'the keyed order' });

    await expect(handler.handle(CLIENT, body, meta)).rejects.toMatchObject({ code: 'CONFLICT', extra: { existing_order_id: orderId } });
    const otherBody = { customer_id: CUSTOMER, items: [{ product_id: 'SKU-IT-1', quantity: 3 }] } as PlaceOrderRequestDto;
    await expect(handler.handle(CLIENT, otherBody, meta)).rejects.toMatchObject({ code: 'DUPLICATE_ORDER', extra: { existing_order_id: orderId } });
    expect(await ordersWithKey(key)).toEqual([orderId]);

    // A day later the key names nothing any more: a request with it places a new order.
    await dataSource.query(`UPDATE customer_order SET created_at = created_at - interval '25 hours' WHERE order_id = $1`, [orderId]);
    const second = handler.handle(CLIENT, otherBody, { ...meta, requestId: randomUUID() }).catch((error: Error) => error);
    const secondId = await pollUntil(() => newestOrderId(), { description: 'the order that took the key over' });
    expect(secondId).not.toBe(orderId);
    expect(await ordersWithKey(key)).toEqual([secondId]);
    // Both sagas are left to time out (nobody answers their ReserveStock); their answers are not awaited here.
    void first;
    void second;
  }, 30_000);

  it('a paid saga costs 1 statement to start and 1 per reply (the compare-and-set carrying outbox and timeline), and the waiting request gets the settled order in-process', async () => {
    const { orderId, later, saga, statements } = await sagaStartedAhead(2);
    const waiting = replicaA.get(OrderOutcomeWaiter).expect(orderId);
    const reply = <T extends object>(definition: MessageDefinition<T>, payload: T) => testEnvelope(definition, orderId, payload, { occurredAt: later });

    expect(statements).toBe(1);
    const reserved = stockReservedFor(orderId, 2);
    expect(await statementsOf((manager) => saga.onReply(manager, reply(STOCK_RESERVED, reserved), { type: 'StockReserved', reply: reserved }, later))).toBe(1);
    const paid: PaymentSucceededReply = { orderId, paymentId: randomUUID(), amountCents: 2500, currency: 'USD' };
    expect(await statementsOf((manager) => saga.onReply(manager, reply(PAYMENT_SUCCEEDED, paid), { type: 'PaymentSucceeded', reply: paid }, later))).toBe(1);

    await expect(waiting).resolves.toEqual({
      status: 'confirmed',
      totalCents: 2500,
      failure: null,
      lines: [{ productId: 'SKU-IT-1', quantity: 2, unitPriceCents: 1250 }],
    });
    expect(await orderOf(orderId)).toEqual({ status: 'confirmed', failure_code: null });
    expect((await sagaOf(orderId)).state).toBe('CONFIRMED');
    expect(await timeline(orderId)).toEqual([
      { kind: 'command', name: 'ReserveStock' },
      { kind: 'reply', name: 'StockReserved' },
      { kind: 'command', name: 'ProcessPayment' },
      { kind: 'reply', name: 'PaymentSucceeded' },
      { kind: 'outcome', name: 'OrderConfirmed' },
    ]);
    expect(await outboxTypes(orderId)).toEqual(['ReserveStock', 'ProcessPayment', 'OrderCreated']);
    const [created]: { envelope: { payload: object } }[] = await dataSource.query(
      `SELECT envelope FROM outbox WHERE message_key = $1 AND message_type = 'OrderCreated'`,
      [orderId],
    );
    expect(created.envelope.payload).toMatchObject({
      orderId,
      status: 'confirmed',
      totalCents: 2500,
      items: [{ productId: 'SKU-IT-1', quantity: 2, unitPriceCents: 1250 }],
      statusChange: { previousStatus: 'pending', currentStatus: 'confirmed', updatedAt: later.toISOString() },
    });
    const prices: { unit_price_cents: number }[] = await dataSource.query('SELECT unit_price_cents FROM order_line WHERE order_id = $1', [orderId]);
    expect(prices).toEqual([{ unit_price_cents: 1250 }]);
  }, 30_000);

  /** Two sagas started an hour ahead (the sweep leaves them alone), and a StockReserved reply for each. */
  const twoReservingSagas = async () => {
    const later = new Date(Date.now() + 3_600_000);
    const saga = replicaA.get(PlaceOrderSagaHandler);
    const replies: { orderId: string; envelope: MessageEnvelope<StockReservedReply>; reserved: StockReservedReply }[] = [];
    for (let i = 0; i < 2; i++) {
      const { orderId } = await sagaStartedAhead(1, later);
      const reserved = stockReservedFor(orderId, 1);
      replies.push({ orderId, envelope: testEnvelope(STOCK_RESERVED, orderId, reserved, { occurredAt: later }), reserved });
    }
    return { saga, later, replies };
  };

  /** A transaction opened as a consumer batch opens it (MessageBatch), counting the statements sent through it but its COMMIT. */
  const batchTransaction = async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    deferOutboxAppends(runner);
    const counted = { statements: 0 };
    const query = runner.query.bind(runner);
    runner.query = ((...args: Parameters<typeof runner.query>) => {
      if (args[0] !== 'COMMIT') counted.statements++;
      return query(...args);
    }) as typeof runner.query;
    return { runner, counted };
  };

  it('in a consumer batch, the steps of several sagas are queued and written in one statement just before the commit', async () => {
    const { saga, later, replies } = await twoReservingSagas();
    const { runner, counted } = await batchTransaction();
    try {
      for (const { envelope, reserved } of replies) await saga.onReply(runner.manager, envelope, { type: 'StockReserved', reply: reserved }, later);
      // Decided on this process's copies of the sagas: nothing read, nothing written yet.
      expect(counted.statements).toBe(0);
      expect((await sagaOf(replies[0].orderId)).state).toBe('RESERVING_STOCK');
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }

    expect(counted.statements).toBe(1);
    for (const { orderId } of replies) await expectPaymentAskedFor(orderId);
  }, 30_000);

  it("in a consumer batch, a step whose saga moved on fails the batch's commit, and none of the batch's steps is written", async () => {
    const { saga, later, replies } = await twoReservingSagas();
    const { runner } = await batchTransaction();
    try {
      for (const { envelope, reserved } of replies) await saga.onReply(runner.manager, envelope, { type: 'StockReserved', reply: reserved }, later);
      // The sweep or another replica moves the second saga on before the batch commits.
      await dataSource.query('UPDATE saga_instance SET version = version + 1 WHERE order_id = $1', [replies[1].orderId]);
      await expect(runner.commitTransaction()).rejects.toMatchObject({ name: 'SagaMovedOnError', code: '40001' });
      await runner.rollbackTransaction();
    } finally {
      await runner.release();
    }

    for (const { orderId } of replies) {
      expect((await sagaOf(orderId)).state).toBe('RESERVING_STOCK');
      expect(await outboxTypes(orderId)).toEqual(['ReserveStock']);
    }
    // The copies in memory went with the rollback: the re-run reads the sagas, and applies.
    const { envelope, reserved } = replies[1];
    await dataSource.transaction((manager) => saga.onReply(manager, envelope, { type: 'StockReserved', reply: reserved }, later));
    expect((await sagaOf(replies[1].orderId)).state).toBe('PROCESSING_PAYMENT');
  }, 30_000);

  it('in a consumer batch, a second message of a saga already stepped fails the batch before anything is written, for a re-run one message at a time', async () => {
    const { saga, later, replies } = await twoReservingSagas();
    const [first, second] = replies;
    const { runner } = await batchTransaction();
    try {
      await saga.onReply(runner.manager, first.envelope, { type: 'StockReserved', reply: first.reserved }, later);
      await saga.onReply(runner.manager, second.envelope, { type: 'StockReserved', reply: second.reserved }, later);
      // The same reply again under a new id: its step would have to follow the first one's.
      const again = { ...first.envelope, messageId: randomUUID() };
      await expect(saga.onReply(runner.manager, again, { type: 'StockReserved', reply: first.reserved }, later)).rejects.toMatchObject({
        name: 'SagaStepsInOneBatchError',
      });
      await runner.rollbackTransaction();
    } finally {
      await runner.release();
    }

    for (const { orderId } of replies) expect((await sagaOf(orderId)).state).toBe('RESERVING_STOCK');
    // One message at a time, as the batch's re-run does: every step applies, the repeated reply is only recorded.
    for (const { envelope, reserved } of [first, second, { ...first, envelope: { ...first.envelope, messageId: randomUUID() } }]) {
      await dataSource.transaction((manager) => saga.onReply(manager, envelope, { type: 'StockReserved', reply: reserved }, later));
    }
    for (const { orderId } of replies) expect((await sagaOf(orderId)).state).toBe('PROCESSING_PAYMENT');
    expect((await timeline(first.orderId)).map(({ kind }) => kind)).toEqual(['command', 'reply', 'command', 'late-reply']);
  }, 30_000);

  it('a payment that never answers: refund, then release, then the order is cancelled with payment_timeout', async () => {
    const { orderId, answer } = await placeOrder();
    const reservationId = randomUUID();
    await reserve(await participants.awaitCommand(orderId, 'ReserveStock'), reservationId);
    await participants.awaitCommand(orderId, 'ProcessPayment');

    // No reply: the deadline passes and the sweeper starts compensating.
    const refund = await participants.awaitCommand(orderId, 'RefundPayment');
    expect(refund.envelope.payload).toMatchObject({ orderId, reason: 'payment_timeout' });
    expect(await orderOf(orderId)).toMatchObject({ status: 'pending' });
    await participants.reply(PAYMENT_REFUNDED, refund, orderId, { orderId, paymentId: null, outcome: 'nothing_to_refund', refundedCents: 0 });

    const release = await participants.awaitCommand(orderId, 'ReleaseStock');
    expect(release.envelope.payload).toMatchObject({ orderId, reservationId });
    await participants.reply(STOCK_RELEASED, release, orderId, { orderId, reservationId });

    await untilSagaState(orderId, 'COMPENSATED');
    expect(await orderOf(orderId)).toEqual({ status: 'cancelled', failure_code: 'PAYMENT_TIMEOUT' });
    expect(await sagaOf(orderId)).toMatchObject({ failure_reason: 'payment_timeout' });
    await expect(answer).resolves.toMatchObject({ code: 'PAYMENT_TIMEOUT' });
    expect(await timeline(orderId)).toEqual([
      { kind: 'command', name: 'ReserveStock' },
      { kind: 'reply', name: 'StockReserved' },
      { kind: 'command', name: 'ProcessPayment' },
      { kind: 'timeout', name: 'ProcessPayment' },
      { kind: 'compensation', name: 'RefundPayment' },
      { kind: 'reply', name: 'PaymentRefunded' },
      { kind: 'compensation', name: 'ReleaseStock' },
      { kind: 'reply', name: 'StockReleased' },
      { kind: 'outcome', name: 'OrderCancelled' },
    ]);
  }, 30_000);

  it('a charge that succeeds after the saga gave up is refunded, and the order stays cancelled', async () => {
    const { orderId } = await placeOrder();
    const reservationId = randomUUID();
    await reserve(await participants.awaitCommand(orderId, 'ReserveStock'), reservationId);
    const charge = await participants.awaitCommand(orderId, 'ProcessPayment');
    const firstRefund = await participants.awaitCommand(orderId, 'RefundPayment');
    await participants.reply(PAYMENT_REFUNDED, firstRefund, orderId, { orderId, paymentId: null, outcome: 'nothing_to_refund', refundedCents: 0 });
    const release = await participants.awaitCommand(orderId, 'ReleaseStock');
    await participants.reply(STOCK_RELEASED, release, orderId, { orderId, reservationId });
    await untilSagaState(orderId, 'COMPENSATED');

    const paymentId = randomUUID();
    await participants.reply(PAYMENT_SUCCEEDED, charge, orderId, { orderId, paymentId, amountCents: 2500, currency: 'USD' });

    const lateRefund = await participants.awaitCommand(orderId, 'RefundPayment', 2);
    expect(lateRefund.envelope.payload).toMatchObject({ orderId, reason: 'late charge after payment_timeout' });
    expect((await sagaOf(orderId)).state).toBe('REFUNDING_PAYMENT');
    await participants.reply(PAYMENT_REFUNDED, lateRefund, orderId, { orderId, paymentId, outcome: 'refunded', refundedCents: 2500 });

    await untilSagaState(orderId, 'COMPENSATED');
    expect(await orderOf(orderId)).toEqual({ status: 'cancelled', failure_code: 'PAYMENT_TIMEOUT' });
    expect(participants.sent(orderId, 'ReleaseStock')).toHaveLength(1);
    expect((await timeline(orderId)).slice(-4)).toEqual([
      { kind: 'late-reply', name: 'PaymentSucceeded' },
      { kind: 'compensation', name: 'RefundPayment' },
      { kind: 'reply', name: 'PaymentRefunded' },
      { kind: 'outcome', name: 'CompensationCompleted' },
    ]);
  }, 30_000);

  it('inventory that never answers: the order is cancelled with inventory_timeout, and a late reservation is released', async () => {
    const { orderId, answer } = await placeOrder();

    await untilSagaState(orderId, 'TIMED_OUT');
    expect(await orderOf(orderId)).toEqual({ status: 'cancelled', failure_code: 'INVENTORY_TIMEOUT' });
    await expect(answer).resolves.toMatchObject({ code: 'INVENTORY_TIMEOUT' });

    const reservationId = randomUUID();
    await reserve(await participants.awaitCommand(orderId, 'ReserveStock'), reservationId);
    const release = await participants.awaitCommand(orderId, 'ReleaseStock');
    expect(release.envelope.payload).toMatchObject({ orderId, reservationId, reason: 'late reservation after inventory_timeout' });
    await participants.reply(STOCK_RELEASED, release, orderId, { orderId, reservationId });

    await untilSagaState(orderId, 'COMPENSATED');
    expect(participants.sent(orderId, 'ProcessPayment')).toHaveLength(0);
    expect(await orderOf(orderId)).toMatchObject({ status: 'cancelled' });
  }, 30_000);

  it('re-sends a compensation whose reply does not come, and is compensated only once it is answered', async () => {
    const { orderId } = await placeOrder();
    const reservationId = randomUUID();
    await reserve(await participants.awaitCommand(orderId, 'ReserveStock'), reservationId);
    const charge = await participants.awaitCommand(orderId, 'ProcessPayment');
    await participants.reply(PAYMENT_DECLINED, charge, orderId, {
      orderId,
      paymentId: randomUUID(),
      declineCode: 'card_declined',
      message: 'The card was declined',
    });

    await participants.awaitCommand(orderId, 'ReleaseStock', 1);
    const resent = await participants.awaitCommand(orderId, 'ReleaseStock', 2);
    expect(resent.envelope.payload).toMatchObject({ orderId, reservationId });
    expect(await sagaOf(orderId)).toMatchObject({ state: 'RELEASING_STOCK', failure_reason: 'payment_declined' });
    expect((await sagaOf(orderId)).step_attempts).toBeGreaterThanOrEqual(2);
    expect(await orderOf(orderId)).toMatchObject({ status: 'pending' });

    await participants.reply(STOCK_RELEASED, resent, orderId, { orderId, reservationId });
    await untilSagaState(orderId, 'COMPENSATED');
    expect(await orderOf(orderId)).toEqual({ status: 'cancelled', failure_code: 'PAYMENT_FAILED' });
  }, 30_000);
});
