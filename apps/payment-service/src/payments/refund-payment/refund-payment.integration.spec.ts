import { randomBytes } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import {
  MessageDefinition,
  MessageEnvelope,
  PAYMENT_DECLINED,
  PAYMENT_REFUNDED,
  PAYMENT_SUCCEEDED,
  PROCESS_PAYMENT,
  REFUND_PAYMENT,
} from '@order-saga/contracts';
import { headersOf, kafkaConsumerOptions, waitForConsumerGroup } from '@order-saga/shared/messaging';
import { pollUntil, ServiceUnderTest, startServiceUnderTest, testEnvelope, testKafkaBrokers } from '@order-saga/shared/testing';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { ChargeRequest, ChargeResult, PaymentProvider } from '../../provider/payment-provider';
import { SandboxPaymentProvider } from '../../provider/sandbox-payment.provider';

/**
 * RefundPayment, the compensation of ProcessPayment, through payment-service's real consumers on a
 * real Kafka broker and PostgreSQL: the test publishes the saga's commands on the command topics and
 * reads the effects from the payment table and the replies from the outbox (where the relay takes them).
 * Needs KAFKA_BROKERS (set by `npm test`).
 */
const suffix = randomBytes(4).toString('hex');
const group = `payment-service-it-${suffix}`;
const AMOUNT_CENTS = 4200;

interface PaymentRow {
  payment_id: string;
  status: string;
  amount_cents: number;
  refunded_cents: number;
  refunded_at: Date | null;
  refund_reason: string | null;
  provider_reference: string | null;
  decline_code: string | null;
}

describe('RefundPayment and a re-sent ProcessPayment (payment-service consumers on PostgreSQL + Kafka)', () => {
  const brokers = process.env.KAFKA_BROKERS ?? '';
  const kafka = new Kafka({ clientId: `refund-it-${suffix}`, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  /** Orders the card processor was asked to charge: "not charged" is then a fact, not an inference. */
  const charged: string[] = [];
  /** Charges of these orders stay in flight (inside ProcessPayment's transaction) until the promise settles. */
  const heldCharges = new Map<string, Promise<void>>();
  let service: ServiceUnderTest | undefined;
  let app: INestApplication;
  let dataSource: DataSource;
  let producer: Producer;

  beforeAll(async () => {
    const sandbox = new SandboxPaymentProvider(1_000_000);
    const recordingProvider = {
      charge: async (request: ChargeRequest): Promise<ChargeResult> => {
        charged.push(request.orderId);
        await heldCharges.get(request.orderId);
        return sandbox.charge(request);
      },
    };
    service = await startServiceUnderTest({
      name: 'refund',
      module: () => import('../../app.module').then((loaded) => loaded.AppModule),
      env: { KAFKA_BROKERS: testKafkaBrokers(), OUTBOX_POLL_INTERVAL_MS: '200' },
      override: (builder) => builder.overrideProvider(PaymentProvider).useValue(recordingProvider),
    });
    app = await service.boot(kafkaConsumerOptions(group, brokers));
    dataSource = app.get(DataSource);
    producer = kafka.producer();
    await producer.connect();
    await waitForConsumerGroup(kafka, group);
  }, 90_000);

  afterAll(async () => {
    await producer?.disconnect();
    await service?.stop();
  });

  const newOrderId = () => `ORD-RF-${randomBytes(4).toString('hex').toUpperCase()}`;

  /** Publishes like the order-service relay does (key = order id); resolves with where it landed. */
  async function publish<T extends object>(definition: MessageDefinition<T>, envelope: MessageEnvelope<T>): Promise<{ partition: number; offset: number }> {
    const [metadata] = await producer.send({
      topic: definition.topic,
      acks: -1,
      messages: [{ key: envelope.correlationId, value: JSON.stringify(envelope), headers: headersOf(envelope) }],
    });
    return { partition: metadata.partition, offset: Number(metadata.baseOffset) };
  }

  /**
   * Resolves once payment-service's consumer group committed past `offset`. Offsets are committed only
   * after the message's transaction committed (or the inbox skipped it), so everything it did is visible.
   */
  async function consumedPast(topic: string, { partition, offset }: { partition: number; offset: number }): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await pollUntil(
        async () => {
          const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
          const position = committed?.partitions.find((entry) => entry.partition === partition)?.offset;
          return position !== undefined && Number(position) > offset ? true : undefined;
        },
        { description: `${group} to commit past ${topic}[${partition}]@${offset}`, timeoutMs: 20_000 },
      );
    } finally {
      await admin.disconnect();
    }
  }

  const paymentOf = async (orderId: string) => ((await dataSource.query('SELECT * FROM payment WHERE order_id = $1', [orderId])) as PaymentRow[])[0];
  const untilPayment = (orderId: string, status: string) =>
    pollUntil(
      async () => {
        const payment = await paymentOf(orderId);
        return payment?.status === status ? payment : undefined;
      },
      { description: `payment of ${orderId} to be ${status}` },
    );
  /** Replies payment-service put in its outbox for the order, oldest first. */
  const repliesOf = async (orderId: string, type: string) =>
    (
      (await dataSource.query('SELECT envelope FROM outbox WHERE message_key = $1 AND message_type = $2 ORDER BY id', [orderId, type])) as {
        envelope: MessageEnvelope;
      }[]
    ).map((row) => row.envelope);

  const charge = async (orderId: string) => {
    await publish(PROCESS_PAYMENT, testEnvelope(PROCESS_PAYMENT, orderId, { orderId, customerId: 'CUST-RF-1', amountCents: AMOUNT_CENTS, currency: 'USD' }));
    return untilPayment(orderId, 'succeeded');
  };
  const refundCommand = (orderId: string, reason = 'payment_timeout') => testEnvelope(REFUND_PAYMENT, orderId, { orderId, reason });

  it('refunds a succeeded charge: the payment becomes refunded and a PaymentRefunded reply is in the outbox', async () => {
    const orderId = newOrderId();
    const payment = await charge(orderId);
    expect(charged.filter((id) => id === orderId)).toHaveLength(1);

    const refund = refundCommand(orderId);
    await publish(REFUND_PAYMENT, refund);

    const refunded = await untilPayment(orderId, 'refunded');
    expect(refunded).toMatchObject({
      payment_id: payment.payment_id,
      amount_cents: AMOUNT_CENTS,
      refunded_cents: AMOUNT_CENTS,
      refund_reason: 'payment_timeout',
    });
    expect(refunded.refunded_at).toBeInstanceOf(Date);
    const replies = await repliesOf(orderId, PAYMENT_REFUNDED.type);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({
      correlationId: orderId,
      causationId: refund.messageId,
      payload: { orderId, paymentId: payment.payment_id, outcome: 'refunded', refundedCents: AMOUNT_CENTS },
    });
  });

  it('voids an order that was never charged, and a ProcessPayment arriving after it is declined without charging the card', async () => {
    const orderId = newOrderId();
    await publish(REFUND_PAYMENT, refundCommand(orderId, 'payment_timeout'));

    const voided = await untilPayment(orderId, 'voided');
    expect(voided).toMatchObject({ amount_cents: 0, refunded_cents: 0, refund_reason: 'payment_timeout', provider_reference: null });
    const [refundReply] = await repliesOf(orderId, PAYMENT_REFUNDED.type);
    expect(refundReply.payload).toEqual({ orderId, paymentId: voided.payment_id, outcome: 'nothing_to_refund', refundedCents: 0 });

    // The ProcessPayment that was still in flight when the saga gave up.
    await publish(PROCESS_PAYMENT, testEnvelope(PROCESS_PAYMENT, orderId, { orderId, customerId: 'CUST-RF-1', amountCents: AMOUNT_CENTS, currency: 'USD' }));

    const [declined] = await pollUntil(
      async () => {
        const replies = await repliesOf(orderId, PAYMENT_DECLINED.type);
        return replies.length > 0 ? replies : undefined;
      },
      { description: `PaymentDeclined for ${orderId}` },
    );
    expect(declined.payload).toMatchObject({ orderId, paymentId: voided.payment_id, declineCode: 'order_cancelled' });
    expect(await repliesOf(orderId, PAYMENT_SUCCEEDED.type)).toEqual([]);
    expect(charged).not.toContain(orderId);
    expect(await paymentOf(orderId)).toMatchObject({ status: 'voided', amount_cents: 0, provider_reference: null });
  });

  it('a redelivered RefundPayment (same message id) has one effect: one refund, one reply', async () => {
    const orderId = newOrderId();
    await charge(orderId);
    const refund = refundCommand(orderId);
    await publish(REFUND_PAYMENT, refund);
    const first = await untilPayment(orderId, 'refunded');

    // At-least-once delivery: the very same message again (a relay re-send, a rebalance).
    const redelivered = await publish(REFUND_PAYMENT, refund);
    await consumedPast(REFUND_PAYMENT.topic, redelivered);

    expect(await repliesOf(orderId, PAYMENT_REFUNDED.type)).toHaveLength(1);
    expect(await paymentOf(orderId)).toMatchObject({ status: 'refunded', refunded_cents: AMOUNT_CENTS, refunded_at: first.refunded_at });
    const inbox: { consumer: string }[] = await dataSource.query('SELECT consumer FROM inbox WHERE message_id = $1', [refund.messageId]);
    expect(inbox).toEqual([{ consumer: 'payment.refund-payment' }]);
  });

  it('a RefundPayment re-sent by the saga (new message id) refunds nothing more and answers with the same outcome', async () => {
    const orderId = newOrderId();
    await charge(orderId);
    await publish(REFUND_PAYMENT, refundCommand(orderId));
    const first = await untilPayment(orderId, 'refunded');

    const resent = refundCommand(orderId);
    await publish(REFUND_PAYMENT, resent);
    const replies = await pollUntil(
      async () => {
        const found = await repliesOf(orderId, PAYMENT_REFUNDED.type);
        return found.length === 2 ? found : undefined;
      },
      { description: `a second PaymentRefunded for ${orderId}` },
    );

    expect(replies[1]).toMatchObject({
      causationId: resent.messageId,
      payload: { orderId, paymentId: first.payment_id, outcome: 'refunded', refundedCents: AMOUNT_CENTS },
    });
    expect(await paymentOf(orderId)).toMatchObject({ status: 'refunded', refunded_cents: AMOUNT_CENTS, refunded_at: first.refunded_at });
    expect(charged.filter((id) => id === orderId)).toHaveLength(1);
  });

  it('a ProcessPayment re-sent by the saga (new message id) gets the first outcome again: one payment row, the card charged once', async () => {
    const orderId = newOrderId();
    const first = await charge(orderId);

    const resent = testEnvelope(PROCESS_PAYMENT, orderId, { orderId, customerId: 'CUST-RF-1', amountCents: AMOUNT_CENTS, currency: 'USD' });
    await publish(PROCESS_PAYMENT, resent);
    const replies = await pollUntil(
      async () => {
        const found = await repliesOf(orderId, PAYMENT_SUCCEEDED.type);
        return found.length === 2 ? found : undefined;
      },
      { description: `a second PaymentSucceeded for ${orderId}` },
    );

    expect(replies[1]).toMatchObject({ causationId: resent.messageId, payload: replies[0].payload });
    expect(replies[1].payload).toEqual({ orderId, paymentId: first.payment_id, amountCents: AMOUNT_CENTS, currency: 'USD' });
    expect(charged.filter((id) => id === orderId)).toHaveLength(1);
    expect(await dataSource.query('SELECT count(*)::int AS payments FROM payment WHERE order_id = $1', [orderId])).toEqual([{ payments: 1 }]);
  });

  it('a RefundPayment arriving while the card is being charged waits for the charge and refunds it, instead of voiding a charged order', async () => {
    // One replica's consumer does not fetch while a batch is in flight, so the two commands meet only across
    // replicas: the handlers run here directly, each in its own transaction as MessageProcessor runs them.
    const [{ ProcessPaymentHandler }, { RefundPaymentHandler }] = await Promise.all([
      import('../process-payment/process-payment.handler'),
      import('./refund-payment.handler'),
    ]);
    const orderId = newOrderId();
    let releaseCharge = () => undefined as void;
    heldCharges.set(orderId, new Promise<void>((resolve) => (releaseCharge = resolve)));
    const processCommand = testEnvelope(PROCESS_PAYMENT, orderId, { orderId, customerId: 'CUST-RF-1', amountCents: AMOUNT_CENTS, currency: 'USD' as const });
    const refund = (manager: EntityManager) => app.get(RefundPaymentHandler).handle(refundCommand(orderId, 'payment_timeout'), manager);

    const processing = dataSource.transaction((manager) => app.get(ProcessPaymentHandler).handle(processCommand, manager));
    let firstRefund: Promise<unknown> | undefined;
    try {
      await pollUntil(async () => (charged.includes(orderId) ? true : undefined), { description: `the charge of ${orderId} to start` });
      firstRefund = dataSource.transaction(refund).then(
        () => 'committed',
        (error: { code?: string }) => error.code,
      );
      await pollUntil(
        async () => {
          const [{ waiting }] = await dataSource.query(
            `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          return waiting > 0 ? true : undefined;
        },
        { description: 'the refund waiting for the charge in flight' },
      );
    } finally {
      releaseCharge();
      await processing;
    }

    // The refund's void lost to the charge on order_id's unique index; MessageProcessor's retry refunds it.
    expect(await firstRefund).toBe('23505');
    await dataSource.transaction(refund);

    const refunded = await paymentOf(orderId);
    expect(refunded).toMatchObject({
      status: 'refunded',
      amount_cents: AMOUNT_CENTS,
      refunded_cents: AMOUNT_CENTS,
      provider_reference: expect.stringMatching(/^sbx_/),
    });
    const [succeeded] = await repliesOf(orderId, PAYMENT_SUCCEEDED.type);
    expect(succeeded.payload).toMatchObject({ orderId, paymentId: refunded.payment_id });
    expect((await repliesOf(orderId, PAYMENT_REFUNDED.type)).map((reply) => reply.payload)).toEqual([
      { orderId, paymentId: refunded.payment_id, outcome: 'refunded', refundedCents: AMOUNT_CENTS },
    ]);
    expect(charged.filter((id) => id === orderId)).toHaveLength(1);
  });
});
