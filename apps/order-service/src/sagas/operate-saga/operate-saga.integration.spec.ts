import { randomBytes, randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { PAYMENT_REFUNDED, PAYMENT_SUCCEEDED, STOCK_RELEASED, STOCK_RESERVED } from '@order-saga/contracts';
import type { TrackOrderResponseDto } from '@order-saga/contracts/http';
import { OPERATOR_ID_HEADER, OperatorSagaDetailResponseDto, SagaActionResponseDto } from '@order-saga/contracts/http/operator';
import { serveWithConsumers } from '@order-saga/shared/messaging';
import { pollUntil, ServiceUnderTest, startServiceUnderTest, testKafkaBrokers } from '@order-saga/shared/testing';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { FakeParticipants, stockReservedFor } from '../../testing/fake-participants';

/**
 * Operator actions on real PostgreSQL and Kafka, over HTTP: order-service (the AppModule with its HTTP
 * setup and its reply consumers) and the test playing inventory-service and payment-service on the real
 * topics. The step deadlines are far away, so only the operator and the participants move the sagas.
 * Needs KAFKA_BROKERS (set by `npm test`).
 */
const suffix = randomBytes(4).toString('hex');
const group = `order-service-operate-it-${suffix}`;
const CLIENT = 'operate-it-client';
const CUSTOMER = 'CUST-OPERATE-1';
const OPERATOR = 'ops@example.com';

describe('operator actions on a saga: retry the current step, cancel with compensation (HTTP + PostgreSQL + Kafka)', () => {
  const brokers = process.env.KAFKA_BROKERS ?? '';
  const kafka = new Kafka({ clientId: 'order-saga-operate-it', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const participants = new FakeParticipants(kafka, `fake-participants-operate-${suffix}`);
  let service: ServiceUnderTest | undefined;
  let app: INestApplication | undefined;
  let dataSource: DataSource;
  let baseUrl: string;

  beforeAll(async () => {
    service = await startServiceUnderTest({
      name: 'operate',
      module: () => import('../../app.module').then((loaded) => loaded.AppModule),
      env: {
        KAFKA_BROKERS: testKafkaBrokers(),
        SAGA_STEP_TIMEOUT_MS: '600000',
        SAGA_COMPENSATION_RETRY_MS: '600000',
        OUTBOX_POLL_INTERVAL_MS: '200',
        ORDER_OUTCOME_WAIT_MS: '100',
      },
    });
    const { AppModule } = await import('../../app.module');
    ({ app, baseUrl } = await serveWithConsumers(AppModule, { group, brokers, kafka }));
    dataSource = app.get(DataSource);
    await participants.start();
    await dataSource.query(`INSERT INTO customer (client_id, customer_id, name, status) VALUES ($1, $2, 'Operate customer', 'active')`, [CLIENT, CUSTOMER]);
  }, 90_000);

  afterAll(async () => {
    await participants.stop();
    await app?.close();
    await service?.stop();
  });

  const request = async (method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  };
  const act = (orderId: string, action: 'retry' | 'cancel', body: unknown, headers: Record<string, string> = { [OPERATOR_ID_HEADER]: OPERATOR }) =>
    request('POST', `/sagas/${orderId}/${action}`, body, headers);
  const newAction = (reason = 'the customer called to cancel') => ({ action_id: randomUUID(), reason });

  /** POST /orders as the gateway would send it; the saga is then waiting for ReserveStock's reply. */
  const placeOrder = async () => {
    const placed = await request('POST', '/orders', { customer_id: CUSTOMER, items: [{ product_id: 'SKU-IT-1', quantity: 2 }] }, { 'x-client-id': CLIENT });
    expect(placed.status).toBe(202);
    const orderId = placed.body.order_id as string;
    return { orderId, reserveStock: await participants.awaitCommand(orderId, 'ReserveStock') };
  };
  /** A saga that reserved its stock and asked for the payment, which the participant took and has not answered. */
  const sagaAwaitingPayment = async () => {
    const { orderId, reserveStock } = await placeOrder();
    const reservationId = randomUUID();
    await participants.reply(STOCK_RESERVED, reserveStock, orderId, stockReservedFor(orderId, 2, reservationId));
    const charge = await participants.awaitCommand(orderId, 'ProcessPayment');
    await untilSaga(orderId, 'PROCESSING_PAYMENT');
    return { orderId, reservationId, charge };
  };

  const sagaOf = async (orderId: string) =>
    (
      (await dataSource.query('SELECT state, version, step_attempts, failure_reason FROM saga_instance WHERE order_id = $1', [orderId])) as {
        state: string;
        version: number;
        step_attempts: number;
        failure_reason: string | null;
      }[]
    )[0];
  const untilSaga = (orderId: string, state: string) =>
    pollUntil(async () => ((await sagaOf(orderId)).state === state ? true : undefined), { description: `saga of ${orderId} in ${state}` });
  const timeline = async (orderId: string) =>
    ((await dataSource.query('SELECT kind, name FROM saga_step WHERE order_id = $1 ORDER BY id', [orderId])) as { kind: string; name: string }[]).map(
      ({ kind, name }) => `${kind} ${name}`,
    );
  /** Every row an action could have written or changed for the order: saga, order, timeline, outbox. */
  const rowsOf = async (orderId: string) => ({
    saga: await dataSource.query('SELECT * FROM saga_instance WHERE order_id = $1', [orderId]),
    order: await dataSource.query('SELECT * FROM customer_order WHERE order_id = $1', [orderId]),
    timeline: await dataSource.query('SELECT * FROM saga_step WHERE order_id = $1 ORDER BY id', [orderId]),
    outbox: await dataSource.query('SELECT message_id, message_type FROM outbox WHERE message_key = $1 ORDER BY id', [orderId]),
  });

  it('cancels a saga whose payment was charged: refund, then release, the order cancelled by the operator, the action on the timeline; a second cancel changes no row', async () => {
    const { orderId, reservationId, charge } = await sagaAwaitingPayment();
    const action = newAction('payment provider outage');

    const cancelled = await act(orderId, 'cancel', action);

    expect(cancelled.status).toBe(202);
    expect(cancelled.headers.get('idempotent-replayed')).toBeNull();
    const answer: SagaActionResponseDto = {
      action_id: action.action_id,
      action: 'cancel',
      order_id: orderId,
      operator_id: OPERATOR,
      reason: 'payment provider outage',
      from_state: 'PROCESSING_PAYMENT',
      to_state: 'REFUNDING_PAYMENT',
      commands: ['RefundPayment'],
      occurred_at: expect.any(String) as unknown as string,
    };
    expect(cancelled.body).toEqual(answer);
    const refund = await participants.awaitCommand(orderId, 'RefundPayment');
    expect(refund.envelope.payload).toEqual({ orderId, reason: 'operator_cancelled' });

    // The charge went through before the cancel, and its reply arrives now: the refund by order id covers it.
    const paymentId = randomUUID();
    await participants.reply(PAYMENT_SUCCEEDED, charge, orderId, { orderId, paymentId, amountCents: 2500, currency: 'USD' });
    await pollUntil(async () => ((await timeline(orderId)).includes('late-reply PaymentSucceeded (ignored)') ? true : undefined), {
      description: 'the late charge on the timeline',
    });
    await participants.reply(PAYMENT_REFUNDED, refund, orderId, { orderId, paymentId, outcome: 'refunded', refundedCents: 2500 });
    const release = await participants.awaitCommand(orderId, 'ReleaseStock');
    expect(release.envelope.payload).toEqual({ orderId, reservationId, reason: 'operator_cancelled' });
    await participants.reply(STOCK_RELEASED, release, orderId, { orderId, reservationId });

    await untilSaga(orderId, 'CANCELLED');
    expect(await sagaOf(orderId)).toMatchObject({ failure_reason: 'operator_cancelled' });
    const order = await request('GET', `/orders/${orderId}`, undefined, { 'x-client-id': CLIENT });
    expect(order.body).toMatchObject({ status: 'cancelled', failure_code: 'CANCELLED_BY_OPERATOR' });
    expect(await timeline(orderId)).toEqual([
      'command ReserveStock',
      'reply StockReserved',
      'command ProcessPayment',
      'operator CancelRequested',
      'compensation RefundPayment',
      'late-reply PaymentSucceeded (ignored)',
      'reply PaymentRefunded',
      'compensation ReleaseStock',
      'reply StockReleased',
      'outcome OrderCancelled',
    ]);

    // Operators see who cancelled and why, and the order's Kafka messages both ways.
    const saga = await pollUntil(
      async () => {
        const detail = (await request('GET', `/sagas/${orderId}`)).body as unknown as OperatorSagaDetailResponseDto;
        return detail.outbox.length === 5 && detail.outbox.every((message) => message.published_at !== null) ? detail : undefined;
      },
      { description: "the order's five messages published" },
    );
    expect(saga).toMatchObject({ order_id: orderId, state: 'CANCELLED', step: null, order_status: 'cancelled', failure_code: 'CANCELLED_BY_OPERATOR' });
    expect(saga.timeline.find((entry) => entry.kind === 'operator')?.detail).toEqual({
      actionId: action.action_id,
      operatorId: OPERATOR,
      reason: 'payment provider outage',
      fromState: 'PROCESSING_PAYMENT',
      toState: 'REFUNDING_PAYMENT',
      commands: ['RefundPayment'],
    });
    expect(saga.outbox.map((message) => message.message_type)).toEqual(['ReserveStock', 'ProcessPayment', 'RefundPayment', 'ReleaseStock', 'OrderCancelled']);
    expect(saga.outbox[2].envelope).toMatchObject({ messageId: refund.envelope.messageId, payload: { orderId, reason: 'operator_cancelled' } });
    expect(saga.inbox.map((message) => `${message.consumer} ${message.message_type}`).sort()).toEqual([
      'order.process-payment-reply PaymentSucceeded (ignored)',
      'order.refund-payment-reply PaymentRefunded',
      'order.release-stock-reply StockReleased',
      'order.reserve-stock-reply StockReserved',
    ]);
    // The order's client sees that an operator acted, not who nor why.
    const track = (await request('GET', `/orders/${orderId}/track`, undefined, { 'x-client-id': CLIENT })).body as unknown as TrackOrderResponseDto;
    expect(track.timeline.find((entry) => entry.kind === 'operator')?.detail).toEqual({
      actionId: action.action_id,
      fromState: 'PROCESSING_PAYMENT',
      toState: 'REFUNDING_PAYMENT',
      commands: ['RefundPayment'],
    });

    const before = await rowsOf(orderId);
    const again = await act(orderId, 'cancel', action);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(cancelled.body);
    const anotherClick = await act(orderId, 'cancel', newAction());
    expect(anotherClick.status).toBe(409);
    expect(anotherClick.body).toMatchObject({
      error_code: 'SAGA_ALREADY_ENDED',
      message: 'The saga already ended in CANCELLED: nothing left to cancel',
      order_id: orderId,
    });
    expect(await rowsOf(orderId)).toEqual(before);
    expect(before.saga[0]).toMatchObject({ state: 'CANCELLED', version: 6 });
    expect(before.timeline).toHaveLength(10);
    expect(before.outbox).toHaveLength(5);
    expect(participants.sent(orderId, 'RefundPayment')).toHaveLength(1);
  }, 60_000);

  it('cancels a saga still reserving at once; a reservation that shows up later is released, and the saga ends CANCELLED again', async () => {
    const { orderId, reserveStock } = await placeOrder();

    const cancelled = await act(orderId, 'cancel', newAction());

    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toMatchObject({ from_state: 'RESERVING_STOCK', to_state: 'CANCELLED', commands: [] });
    expect(await sagaOf(orderId)).toMatchObject({ state: 'CANCELLED', failure_reason: 'operator_cancelled' });
    expect((await request('GET', `/orders/${orderId}`, undefined, { 'x-client-id': CLIENT })).body).toMatchObject({
      status: 'cancelled',
      failure_code: 'CANCELLED_BY_OPERATOR',
    });

    const reservationId = randomUUID();
    await participants.reply(STOCK_RESERVED, reserveStock, orderId, stockReservedFor(orderId, 2, reservationId));
    const release = await participants.awaitCommand(orderId, 'ReleaseStock');
    expect(release.envelope.payload).toMatchObject({ orderId, reservationId, reason: 'late reservation after operator_cancelled' });
    await participants.reply(STOCK_RELEASED, release, orderId, { orderId, reservationId });

    await pollUntil(async () => ((await timeline(orderId)).at(-1) === 'outcome CompensationCompleted' ? true : undefined), {
      description: 'the late reservation released',
    });
    expect(await sagaOf(orderId)).toMatchObject({ state: 'CANCELLED' });
    expect(participants.sent(orderId, 'ProcessPayment')).toHaveLength(0);
    expect(await timeline(orderId)).toEqual([
      'command ReserveStock',
      'operator CancelRequested',
      'outcome OrderCancelled',
      'late-reply StockReserved',
      'compensation ReleaseStock',
      'reply StockReleased',
      'outcome CompensationCompleted',
    ]);
  }, 60_000);

  it('retries the current step: the same command under a new message id, one attempt more, and the reply to it moves the saga on; once it ended, nothing is left to retry', async () => {
    const { orderId, reserveStock } = await placeOrder();

    const reserveAgain = await act(orderId, 'retry', newAction('inventory was restarted'));
    expect(reserveAgain.status).toBe(202);
    expect(reserveAgain.body).toMatchObject({ action: 'retry-step', from_state: 'RESERVING_STOCK', to_state: 'RESERVING_STOCK', commands: ['ReserveStock'] });
    const resent = await participants.awaitCommand(orderId, 'ReserveStock', 2);
    expect(resent.envelope.messageId).not.toBe(reserveStock.envelope.messageId);
    expect(resent.envelope.payload).toEqual(reserveStock.envelope.payload);
    expect(await sagaOf(orderId)).toMatchObject({ state: 'RESERVING_STOCK', step_attempts: 2 });

    await participants.reply(STOCK_RESERVED, resent, orderId, stockReservedFor(orderId, 2));
    const charge = await participants.awaitCommand(orderId, 'ProcessPayment');
    await untilSaga(orderId, 'PROCESSING_PAYMENT');
    const chargeAgain = await act(orderId, 'retry', newAction('payment was restarted'));
    expect(chargeAgain.body).toMatchObject({ from_state: 'PROCESSING_PAYMENT', to_state: 'PROCESSING_PAYMENT', commands: ['ProcessPayment'] });
    const recharge = await participants.awaitCommand(orderId, 'ProcessPayment', 2);
    expect(recharge.envelope.messageId).not.toBe(charge.envelope.messageId);
    expect(recharge.envelope.payload).toEqual(charge.envelope.payload);
    expect(recharge.envelope.payload).toMatchObject({ orderId, amountCents: 2500 });

    await participants.reply(PAYMENT_SUCCEEDED, recharge, orderId, { orderId, paymentId: randomUUID(), amountCents: 2500, currency: 'USD' });
    await untilSaga(orderId, 'CONFIRMED');
    expect(await timeline(orderId)).toEqual([
      'command ReserveStock',
      'operator StepRetryRequested',
      'command ReserveStock',
      'reply StockReserved',
      'command ProcessPayment',
      'operator StepRetryRequested',
      'command ProcessPayment',
      'reply PaymentSucceeded',
      'outcome OrderConfirmed',
    ]);

    const before = await rowsOf(orderId);
    for (const action of ['retry', 'cancel'] as const) {
      const refused = await act(orderId, action, newAction());
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ error_code: 'SAGA_ALREADY_ENDED', order_id: orderId });
    }
    expect(await rowsOf(orderId)).toEqual(before);
  }, 60_000);

  it('two requests racing with one action id take one action and give one answer', async () => {
    const { orderId } = await sagaAwaitingPayment();
    const action = newAction();

    const answers = await Promise.all([act(orderId, 'cancel', action), act(orderId, 'cancel', action), act(orderId, 'cancel', action)]);

    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202]);
    expect(answers.filter((answer) => answer.headers.get('idempotent-replayed') === 'true')).toHaveLength(2);
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
    expect((await timeline(orderId)).filter((line) => line.startsWith('operator'))).toEqual(['operator CancelRequested']);
    expect((await rowsOf(orderId)).outbox.map((row: { message_type: string }) => row.message_type)).toEqual([
      'ReserveStock',
      'ProcessPayment',
      'RefundPayment',
    ]);
  }, 60_000);

  it('an action id already taken for another action or another order is a CONFLICT naming action_id, and changes nothing', async () => {
    const first = await sagaAwaitingPayment();
    const second = await sagaAwaitingPayment();
    const action = newAction();
    expect((await act(first.orderId, 'retry', action)).status).toBe(202);
    const rows = [await rowsOf(first.orderId), await rowsOf(second.orderId)];

    for (const [orderId, kind] of [
      [first.orderId, 'cancel'],
      [second.orderId, 'retry'],
    ] as const) {
      const reused = await act(orderId, kind, action);
      expect(reused.status).toBe(409);
      expect(reused.body).toMatchObject({
        error_code: 'CONFLICT',
        message: `Action ${action.action_id} was already taken: retry-step of order ${first.orderId}`,
        details: [{ field: 'action_id', error: 'Already used for another action; send a new id for a new action' }],
      });
    }
    expect([await rowsOf(first.orderId), await rowsOf(second.orderId)]).toEqual(rows);
  }, 60_000);

  it('refuses an action without an operator, with an invalid body or for an unknown order, in the error format, writing nothing', async () => {
    const { orderId } = await placeOrder();
    const before = await rowsOf(orderId);
    const cases: { headers?: Record<string, string>; body: unknown; status: number; code: string; field?: string; order?: string }[] = [
      { headers: {}, body: newAction(), status: 401, code: 'UNAUTHORIZED', field: OPERATOR_ID_HEADER },
      { headers: { [OPERATOR_ID_HEADER]: ' ' }, body: newAction(), status: 401, code: 'UNAUTHORIZED', field: OPERATOR_ID_HEADER },
      { body: { reason: 'no id' }, status: 400, code: 'VALIDATION_ERROR', field: 'action_id' },
      { body: { action_id: 'action-1', reason: 'not a uuid' }, status: 400, code: 'VALIDATION_ERROR', field: 'action_id' },
      { body: { action_id: randomUUID(), reason: '   ' }, status: 400, code: 'VALIDATION_ERROR', field: 'reason' },
      { body: { action_id: randomUUID(), reason: 'x'.repeat(501) }, status: 400, code: 'VALIDATION_ERROR', field: 'reason' },
      { body: { ...newAction(), force: true }, status: 400, code: 'VALIDATION_ERROR', field: 'force' },
      { body: newAction(), status: 404, code: 'NOT_FOUND', order: 'ORD-UNKNOWN1' },
    ];
    for (const { headers, body, status, code, field, order } of cases) {
      for (const action of ['retry', 'cancel'] as const) {
        const answer = await act(order ?? orderId, action, body, headers);
        expect({ action, body, status: answer.status, code: answer.body.error_code }).toEqual({ action, body, status, code });
        if (field) expect((answer.body.details as { field: string }[]).map((detail) => detail.field)).toContain(field);
      }
    }
    expect(await rowsOf(orderId)).toEqual(before);
  }, 60_000);

  it("serves the operators' dead-letter routes of order-service, refusing an action without an operator", async () => {
    const list = await request('GET', '/dead-letters?status=parked');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ data: [], pagination: { has_more: false, next_cursor: null } });
    expect((await request('POST', '/dead-letters/1/redrive', newAction())).status).toBe(401);
    expect((await request('POST', '/dead-letters/1/redrive', newAction(), { [OPERATOR_ID_HEADER]: OPERATOR })).status).toBe(404);
  });
});
