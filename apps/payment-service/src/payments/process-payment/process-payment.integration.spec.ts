import { randomBytes } from 'node:crypto';
import { PROCESS_PAYMENT, REFUND_PAYMENT } from '@order-saga/contracts';
import { Outbox } from '@order-saga/shared/messaging';
import { createMigratedTestDatabase, MigratedTestDatabase, statementsInTransaction, statementVerb, testEnvelope } from '@order-saga/shared/testing';
import type { PinoLogger } from 'nestjs-pino';
import { DataSource, EntityManager } from 'typeorm';
import { InitialSchema1763700000000 } from '../../database/migrations/1763700000000-initial-schema';
import { Refunds1763900000000 } from '../../database/migrations/1763900000000-refunds';
import { MessagingRetention1764200000000 } from '../../database/migrations/1764200000000-messaging-retention';
import { PaymentClaim1764300000000 } from '../../database/migrations/1764300000000-payment-claim';
import type { ChargeRequest, ChargeResult } from '../../provider/payment-provider';
import { SandboxPaymentProvider } from '../../provider/sandbox-payment.provider';
import { ChargeOutcomeRepository } from '../charge-outcome.repository';
import { RefundPaymentHandler } from '../refund-payment/refund-payment.handler';
import { ProcessPaymentHandler } from './process-payment.handler';

/**
 * ProcessPayment and RefundPayment handlers on a real PostgreSQL database with payment-service's own
 * migrations, several in one transaction as a consumer batch runs them. Outbox statements (the messaging
 * library's) and transaction control are not counted.
 */
describe('ProcessPayment in a batch (PostgreSQL)', () => {
  const charged: string[] = [];
  const sandbox = new SandboxPaymentProvider(1_000_000);
  const provider = {
    charge: (request: ChargeRequest): Promise<ChargeResult> => {
      charged.push(request.orderId);
      return sandbox.charge(request);
    },
  };
  const outcomes = new ChargeOutcomeRepository();
  const processHandler = new ProcessPaymentHandler(new Outbox(), provider, outcomes);
  const refundHandler = new RefundPaymentHandler(new Outbox(), { info: () => undefined } as unknown as PinoLogger, outcomes);
  let database: MigratedTestDatabase | undefined;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createMigratedTestDatabase('payments', {
      migrations: [InitialSchema1763700000000, Refunds1763900000000, MessagingRetention1764200000000, PaymentClaim1764300000000],
    });
    dataSource = database.dataSource;
  });

  afterAll(async () => {
    await database?.drop();
  });

  const newOrderId = () => `ORD-PP-${randomBytes(4).toString('hex').toUpperCase()}`;
  const processCommand = (orderId: string) =>
    testEnvelope(PROCESS_PAYMENT, orderId, { orderId, customerId: 'CUST-PP-1', amountCents: 4200, currency: 'USD' as const });
  const paymentOf = async (orderId: string) =>
    ((await dataSource.query('SELECT status, refunded_cents, provider_reference FROM payment WHERE order_id = $1', [orderId])) as Record<string, unknown>[])[0];
  const replyTypes = async (orderId: string) =>
    ((await dataSource.query('SELECT message_type FROM outbox WHERE message_key = $1 ORDER BY id', [orderId])) as { message_type: string }[]).map(
      (row) => row.message_type,
    );

  /** Runs `work` in one transaction; returns the verbs of the payment statements sent while it ran and as it committed. */
  async function inOneTransaction(work: (manager: EntityManager) => Promise<void>): Promise<{ byHandlers: string[]; atCommit: string[] }> {
    const { byHandlers, atCommit } = await statementsInTransaction(dataSource, work, (sql) => /\bpayment\b/.test(sql));
    return { byHandlers: byHandlers.map(statementVerb), atCommit: atCommit.map(statementVerb) };
  }

  it('charges three orders of one transaction with three claims, and writes their outcomes in one statement as it commits', async () => {
    const orders = [newOrderId(), newOrderId(), newOrderId()];

    const sent = await inOneTransaction(async (manager) => {
      for (const orderId of orders) await processHandler.handle(processCommand(orderId), manager);
    });

    expect(sent).toEqual({ byHandlers: ['WITH', 'WITH', 'WITH'], atCommit: ['UPDATE'] });
    for (const orderId of orders) {
      expect(await paymentOf(orderId)).toMatchObject({ status: 'succeeded', provider_reference: expect.stringMatching(/^sbx_/) });
      expect(await replyTypes(orderId)).toEqual(['PaymentSucceeded']);
    }
  });

  it('a re-sent ProcessPayment and a RefundPayment later in the same transaction read the charge, not its claim: charged once, then refunded', async () => {
    const orderId = newOrderId();

    await inOneTransaction(async (manager) => {
      await processHandler.handle(processCommand(orderId), manager);
      await processHandler.handle(processCommand(orderId), manager);
      await refundHandler.handle(testEnvelope(REFUND_PAYMENT, orderId, { orderId, reason: 'payment_timeout' }), manager);
    });

    expect(charged.filter((id) => id === orderId)).toHaveLength(1);
    expect(await paymentOf(orderId)).toMatchObject({ status: 'refunded', refunded_cents: 4200 });
    expect(await replyTypes(orderId)).toEqual(['PaymentSucceeded', 'PaymentSucceeded', 'PaymentRefunded']);
    const [refund] = (await dataSource.query(
      `SELECT envelope->'payload'->>'outcome' AS outcome FROM outbox WHERE message_key = $1 AND message_type = 'PaymentRefunded'`,
      [orderId],
    )) as { outcome: string }[];
    expect(refund.outcome).toBe('refunded');
  });
});
