import { randomBytes, randomUUID } from 'node:crypto';
import {
  CONFIRM_RESERVATION,
  MessageEnvelope,
  ORDER_CREATED,
  RELEASE_STOCK,
  RESERVE_STOCK,
  ReserveStockCommand,
  STOCK_RELEASED,
  STOCK_RESERVATION_REJECTED,
  STOCK_RESERVED,
} from '@order-saga/contracts';
import { validateConfig } from '@order-saga/shared/config';
import { Outbox } from '@order-saga/shared/messaging';
import type { PinoLogger } from 'nestjs-pino';
import { DataSource, EntityManager, Logger as TypeOrmLogger } from 'typeorm';
import { InventoryServiceConfig } from '../config/inventory-service.config';
import { Product } from '../products/product.entity';
import { ConfirmReservationHandler } from './confirm-reservation/confirm-reservation.handler';
import { ReleaseStockHandler } from './release-stock/release-stock.handler';
import { Reservation } from './reservation.entity';
import { ReserveStockHandler } from './reserve-stock/reserve-stock.handler';
import { createInventoryTestDatabase, InventoryTestDatabase } from '../testing/inventory-test-database';
import { pollUntil, testEnvelope } from '@order-saga/shared/testing';

/**
 * ReserveStock, the confirmation (OrderCreated, or the ConfirmReservation command it replaced) and ReleaseStock on a real PostgreSQL database with inventory-service's
 * own migrations, each in a transaction as MessageProcessor runs them. Besides the outcome, each test
 * checks the handler's statement budget: every statement is a round trip, and round trips per message
 * are what bounds the saga's throughput (docs/performance.md). Transaction control and the outbox
 * (libs/shared's statements) are not counted.
 */

const ignore = () => undefined;

/** Records the statements TypeORM sends, so a test can count those of one message. */
class StatementLog implements TypeOrmLogger {
  private statements: string[] = [];

  logQuery(query: string): void {
    this.statements.push(query);
  }
  logQueryError = ignore;
  logQuerySlow = ignore;
  logSchemaBuild = ignore;
  logMigration = ignore;
  log = ignore;

  /** Runs `work` and returns the inventory statements it sent. */
  async of(work: () => Promise<unknown>): Promise<string[]> {
    this.statements = [];
    await work();
    return this.statements.filter((sql) => !/^(START TRANSACTION|COMMIT|ROLLBACK)/.test(sql) && !/\boutbox\b/.test(sql));
  }
}

interface LoggedError {
  fields: Record<string, unknown>;
  message: string;
}

describe('reservation handlers (PostgreSQL)', () => {
  const statements = new StatementLog();
  const loggedErrors: LoggedError[] = [];
  const logger = {
    error: (fields: Record<string, unknown>, message: string) => loggedErrors.push({ fields, message }),
    warn: () => undefined,
    info: () => undefined,
    debug: () => undefined,
  } as unknown as PinoLogger;
  let database: InventoryTestDatabase;
  let dataSource: DataSource;
  let reserveHandler: ReserveStockHandler;
  let confirmHandler: ConfirmReservationHandler;
  let releaseHandler: ReleaseStockHandler;
  const t0 = new Date('2030-01-01T12:00:00.000Z');

  beforeAll(async () => {
    database = await createInventoryTestDatabase('reservations', statements);
    dataSource = database.dataSource;
    // KAFKA_BROKERS is required by the config class but never dialled: nothing here talks to Kafka.
    const config = validateConfig(InventoryServiceConfig, { PORT: '0', DATABASE_URL: database.url, KAFKA_BROKERS: '127.0.0.1:9' });
    const outbox = new Outbox();
    reserveHandler = new ReserveStockHandler(outbox, config);
    confirmHandler = new ConfirmReservationHandler(logger);
    releaseHandler = new ReleaseStockHandler(outbox);
  });

  afterAll(async () => {
    await database?.drop();
  });

  beforeEach(() => {
    loggedErrors.length = 0;
  });

  /** A product of this test only, so its stock figures are exact. */
  const newProduct = async (available: number, unitPriceCents = 1000) => {
    const productId = `SKU-RH-${randomBytes(3).toString('hex')}`;
    await dataSource.query(`INSERT INTO product (product_id, name, unit_price_cents, available, reserved) VALUES ($1, 'Reservation test item', $2, $3, 0)`, [
      productId,
      unitPriceCents,
      available,
    ]);
    return productId;
  };
  const newOrderId = () => `ORD-RH-${randomBytes(4).toString('hex')}`;
  const inTransaction = (work: (manager: EntityManager) => Promise<void>) => statements.of(() => dataSource.transaction(work));
  const reserve = (orderId: string, items: ReserveStockCommand['items']) =>
    inTransaction((manager) => reserveHandler.handle(testEnvelope(RESERVE_STOCK, orderId, { orderId, items }), manager, t0));
  const confirm = (orderId: string, reservationId: string, at: Date) =>
    inTransaction((manager) => confirmHandler.handle(testEnvelope(CONFIRM_RESERVATION, orderId, { orderId, reservationId }), manager, at));
  /** OrderCreated as order-service publishes it when the saga confirms the order: it names the order, not the reservation. */
  const orderCreated = (orderId: string, at: Date) =>
    inTransaction((manager) =>
      confirmHandler.handleOrderCreated(
        testEnvelope(ORDER_CREATED, orderId, {
          orderId,
          clientId: 'client-rh',
          customerId: 'cust_rh',
          status: 'confirmed',
          totalCents: 1000,
          currency: 'USD',
          items: [],
          createdAt: t0.toISOString(),
          statusChange: { previousStatus: 'pending', currentStatus: 'confirmed', updatedAt: at.toISOString() },
        }),
        manager,
        at,
      ),
    );
  const release = (orderId: string, reservationId: string) =>
    inTransaction((manager) =>
      releaseHandler.handle(testEnvelope(RELEASE_STOCK, orderId, { orderId, reservationId, reason: 'payment_declined' }), manager, t0),
    );
  const stockOf = async (productId: string) => {
    const product = await dataSource.getRepository(Product).findOneByOrFail({ productId });
    return { available: product.available, reserved: product.reserved };
  };
  const reservationOf = (orderId: string) => dataSource.getRepository(Reservation).findOneBy({ orderId });
  const reservationIdOf = async (orderId: string) => (await dataSource.getRepository(Reservation).findOneByOrFail({ orderId })).reservationId;
  /** The replies the handlers put in the outbox for an order, oldest first. */
  const repliesTo = async (orderId: string) => {
    const rows: { message_type: string; envelope: MessageEnvelope }[] = await dataSource.query(
      `SELECT message_type, envelope FROM outbox WHERE message_key = $1 ORDER BY id`,
      [orderId],
    );
    return rows.map((row) => ({ type: row.message_type, payload: row.envelope.payload }));
  };

  it('reserves every line of an order in one statement, however many lines: available moves to reserved per product', async () => {
    const [a, b, c] = await Promise.all([newProduct(10, 1000), newProduct(10, 250), newProduct(10, 99)]);
    const orderId = newOrderId();

    const sent = await reserve(orderId, [
      { productId: b, quantity: 2 },
      { productId: a, quantity: 1 },
      { productId: c, quantity: 3 },
      { productId: a, quantity: 2 },
    ]);

    expect(await stockOf(a)).toEqual({ available: 7, reserved: 3 });
    expect(await stockOf(b)).toEqual({ available: 8, reserved: 2 });
    expect(await stockOf(c)).toEqual({ available: 7, reserved: 3 });
    const reservationId = await reservationIdOf(orderId);
    expect(await reservationOf(orderId)).toMatchObject({ status: 'reserved', totalCents: 3 * 1000 + 2 * 250 + 3 * 99, confirmedAt: null });
    const [reply] = await repliesTo(orderId);
    expect(reply.type).toBe(STOCK_RESERVED.type);
    expect(reply.payload).toMatchObject({ orderId, reservationId, totalCents: 3797, currency: 'USD' });
    expect((reply.payload as { items: unknown[] }).items).toEqual(
      expect.arrayContaining([
        { productId: a, quantity: 3, unitPriceCents: 1000 },
        { productId: b, quantity: 2, unitPriceCents: 250 },
        { productId: c, quantity: 3, unitPriceCents: 99 },
      ]),
    );
    // Look-up, product locks, stock UPDATE, reservation and lines INSERTs: one statement (the outbox aside).
    expect(sent).toHaveLength(1);
  });

  it('answers a re-sent ReserveStock (new message id) with the first reservation in one statement, reserving nothing more', async () => {
    const productId = await newProduct(10);
    const orderId = newOrderId();
    await reserve(orderId, [{ productId, quantity: 4 }]);

    const sent = await reserve(orderId, [{ productId, quantity: 4 }]);

    expect(await stockOf(productId)).toEqual({ available: 6, reserved: 4 });
    const [first, second] = await repliesTo(orderId);
    expect(second).toEqual(first);
    expect(sent).toHaveLength(1);
  });

  it('rejects an order one line of which exceeds the stock, naming only that line, and moves no stock', async () => {
    const [plenty, scarce] = await Promise.all([newProduct(10), newProduct(2)]);
    const orderId = newOrderId();

    const sent = await reserve(orderId, [
      { productId: plenty, quantity: 3 },
      { productId: scarce, quantity: 5 },
    ]);

    expect(await repliesTo(orderId)).toEqual([
      {
        type: STOCK_RESERVATION_REJECTED.type,
        payload: { orderId, reason: 'INSUFFICIENT_INVENTORY', shortages: [{ productId: scarce, requested: 5, available: 2 }] },
      },
    ]);
    expect(await stockOf(plenty)).toEqual({ available: 10, reserved: 0 });
    expect(await stockOf(scarce)).toEqual({ available: 2, reserved: 0 });
    expect(await reservationOf(orderId)).toBeNull();
    expect(sent).toHaveLength(1);
  });

  it('rejects an order whose stated price differs from the catalog with PRICE_MISMATCH per product, whatever the stock, moving nothing', async () => {
    const [right, wrong] = await Promise.all([newProduct(10, 500), newProduct(1, 700)]);
    const orderId = newOrderId();

    const sent = await reserve(orderId, [
      { productId: right, quantity: 1, expectedUnitPriceCents: 500 },
      { productId: wrong, quantity: 5, expectedUnitPriceCents: 650 },
      { productId: wrong, quantity: 1, expectedUnitPriceCents: 700 },
    ]);

    expect(await repliesTo(orderId)).toEqual([
      {
        type: STOCK_RESERVATION_REJECTED.type,
        payload: {
          orderId,
          reason: 'PRICE_MISMATCH',
          shortages: [],
          priceMismatches: [{ productId: wrong, expectedUnitPriceCents: 650, catalogUnitPriceCents: 700 }],
        },
      },
    ]);
    expect(await stockOf(right)).toEqual({ available: 10, reserved: 0 });
    expect(await stockOf(wrong)).toEqual({ available: 1, reserved: 0 });
    expect(await reservationOf(orderId)).toBeNull();
    expect(sent).toHaveLength(1);
  });

  it('rejects an order naming an unknown or an inactive product with UNKNOWN_PRODUCT, moving nothing', async () => {
    const [known, retired] = await Promise.all([newProduct(10), newProduct(10)]);
    await dataSource.query(`UPDATE product SET active = false WHERE product_id = $1`, [retired]);
    const unknown = `SKU-RH-NONE-${randomBytes(3).toString('hex')}`;
    const orderId = newOrderId();

    await reserve(orderId, [
      { productId: known, quantity: 1 },
      { productId: unknown, quantity: 2 },
      { productId: retired, quantity: 3 },
    ]);

    expect(await repliesTo(orderId)).toEqual([
      {
        type: STOCK_RESERVATION_REJECTED.type,
        payload: {
          orderId,
          reason: 'UNKNOWN_PRODUCT',
          shortages: [
            { productId: unknown, requested: 2, available: 0 },
            { productId: retired, requested: 3, available: 0 },
          ],
        },
      },
    ]);
    expect(await stockOf(known)).toEqual({ available: 10, reserved: 0 });
    expect(await reservationOf(orderId)).toBeNull();
  });

  it('applies several ReserveStock commands in one transaction one after another: of two orders for the last unit the first wins, a re-sent one replays', async () => {
    const productId = await newProduct(1);
    const [first, second] = [newOrderId(), newOrderId()];
    const command = (orderId: string) => testEnvelope(RESERVE_STOCK, orderId, { orderId, items: [{ productId, quantity: 1 }] });

    await inTransaction(async (manager) => {
      for (const orderId of [first, second, first]) await reserveHandler.handle(command(orderId), manager, t0);
    });

    expect(await stockOf(productId)).toEqual({ available: 0, reserved: 1 });
    const [reserved, replayed] = await repliesTo(first);
    expect(reserved.type).toBe(STOCK_RESERVED.type);
    expect(replayed).toEqual(reserved);
    expect(await repliesTo(second)).toEqual([
      {
        type: STOCK_RESERVATION_REJECTED.type,
        payload: { orderId: second, reason: 'INSUFFICIENT_INVENTORY', shortages: [{ productId, requested: 1, available: 0 }] },
      },
    ]);
  });

  it('two transactions reserving the last unit at the same time: exactly one gets it, the other is rejected on the stock it left', async () => {
    const productId = await newProduct(1);
    const orders = [newOrderId(), newOrderId()];

    // Both wait for the product's lock, so they really compete once it is free.
    const holder = dataSource.createQueryRunner();
    let racing: Promise<unknown> | undefined;
    try {
      await holder.startTransaction();
      await holder.query(`SELECT 1 FROM product WHERE product_id = $1 FOR UPDATE`, [productId]);
      racing = Promise.all(orders.map((orderId) => reserve(orderId, [{ productId, quantity: 1 }])));
      await pollUntil(
        async () => {
          const [{ waiting }] = await dataSource.query(
            `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          return waiting >= 2 ? waiting : undefined;
        },
        { description: 'both reservations waiting for the product' },
      );
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
      await racing;
    }

    const replies = (await Promise.all(orders.map(repliesTo))).flat();
    expect(replies.map((reply) => reply.type).sort()).toEqual([STOCK_RESERVATION_REJECTED.type, STOCK_RESERVED.type].sort());
    expect(replies.find((reply) => reply.type === STOCK_RESERVATION_REJECTED.type)?.payload).toMatchObject({
      reason: 'INSUFFICIENT_INVENTORY',
      shortages: [{ productId, requested: 1, available: 0 }],
    });
    expect(await stockOf(productId)).toEqual({ available: 0, reserved: 1 });
  });

  it('confirms a held reservation in one statement; a second confirmation keeps the first time and logs nothing', async () => {
    const productId = await newProduct(10);
    const orderId = newOrderId();
    await reserve(orderId, [{ productId, quantity: 1 }]);
    const reservationId = await reservationIdOf(orderId);
    const firstAt = new Date(t0.getTime() + 1000);

    const sent = await confirm(orderId, reservationId, firstAt);
    await confirm(orderId, reservationId, new Date(t0.getTime() + 2000));

    expect(await reservationOf(orderId)).toMatchObject({ status: 'reserved', confirmedAt: firstAt });
    expect(await stockOf(productId)).toEqual({ available: 9, reserved: 1 });
    expect(loggedErrors).toEqual([]);
    expect(sent).toHaveLength(1);
  });

  it("confirms an order's reservation on its OrderCreated event, found by the order alone, in one statement; a redelivery keeps the first time", async () => {
    const productId = await newProduct(10);
    const orderId = newOrderId();
    await reserve(orderId, [{ productId, quantity: 2 }]);
    const firstAt = new Date(t0.getTime() + 1000);

    const sent = await orderCreated(orderId, firstAt);
    await orderCreated(orderId, new Date(t0.getTime() + 2000));

    expect(await reservationOf(orderId)).toMatchObject({ status: 'reserved', confirmedAt: firstAt });
    expect(await stockOf(productId)).toEqual({ available: 8, reserved: 2 });
    expect(loggedErrors).toEqual([]);
    expect(sent).toHaveLength(1);
  });

  it('does not confirm a ConfirmReservation naming another reservation than its order holds, and logs it as unknown', async () => {
    const productId = await newProduct(10);
    const orderId = newOrderId();
    await reserve(orderId, [{ productId, quantity: 1 }]);
    const otherReservationId = randomUUID();

    await confirm(orderId, otherReservationId, t0);

    expect(await reservationOf(orderId)).toMatchObject({ status: 'reserved', confirmedAt: null });
    expect(loggedErrors).toEqual([{ fields: { order_id: orderId, reservation_id: otherReservationId }, message: 'confirmation for an unknown reservation' }]);
  });

  it('confirms the reservations of one transaction (a consumer batch) in one statement, sent as it commits', async () => {
    const productId = await newProduct(10);
    const orders = [newOrderId(), newOrderId(), newOrderId()];
    for (const orderId of orders) await reserve(orderId, [{ productId, quantity: 1 }]);
    const reservationIds = await Promise.all(orders.map(reservationIdOf));
    const confirmedAt = new Date(t0.getTime() + 1000);
    let sentByHandlers = 0;

    const sent = await inTransaction(async (manager) => {
      // The handlers' own statements; the deferred one goes through the transaction's runner at commit.
      const counting = new Proxy(manager, {
        get: (target, property, receiver) =>
          property === 'query'
            ? (...args: Parameters<EntityManager['query']>) => (sentByHandlers++, target.query(...args))
            : Reflect.get(target, property, receiver),
      });
      for (const [index, orderId] of orders.entries()) {
        await confirmHandler.handle(testEnvelope(CONFIRM_RESERVATION, orderId, { orderId, reservationId: reservationIds[index] }), counting, confirmedAt);
      }
    });

    expect(sentByHandlers).toBe(0);
    expect(sent).toHaveLength(1);
    for (const orderId of orders) expect(await reservationOf(orderId)).toMatchObject({ status: 'reserved', confirmedAt });
    expect(loggedErrors).toEqual([]);
  });

  it.each(['ConfirmReservation', 'OrderCreated'])(
    'does not confirm a released reservation on %s, and logs the paid order whose stock went back as an error',
    async (message) => {
      const productId = await newProduct(10);
      const orderId = newOrderId();
      await reserve(orderId, [{ productId, quantity: 1 }]);
      const reservationId = await reservationIdOf(orderId);
      await release(orderId, reservationId);

      const at = new Date(t0.getTime() + 1000);
      await (message === 'OrderCreated' ? orderCreated(orderId, at) : confirm(orderId, reservationId, at));

      expect(await reservationOf(orderId)).toMatchObject({ status: 'released', confirmedAt: null });
      expect(loggedErrors).toEqual([
        {
          fields: { order_id: orderId, reservation_id: reservationId, release_reason: 'payment_declined' },
          message: 'paid order whose reservation was already released',
        },
      ]);
    },
  );

  it('does not confirm a reservation a concurrent transaction released while the confirmation waited for its lock, and logs it', async () => {
    const productId = await newProduct(10);
    const orderId = newOrderId();
    await reserve(orderId, [{ productId, quantity: 1 }]);
    const reservationId = await reservationIdOf(orderId);
    let finishRelease!: () => void;
    const releaseMayCommit = new Promise<void>((resolve) => (finishRelease = resolve));
    let released!: () => void;
    const releaseHoldsLock = new Promise<void>((resolve) => (released = resolve));

    const releasing = dataSource.transaction(async (manager) => {
      await releaseHandler.release(manager, reservationId, 'expired', t0);
      released();
      await releaseMayCommit;
    });
    await releaseHoldsLock;
    const confirming = dataSource.transaction((manager) =>
      confirmHandler.handle(testEnvelope(CONFIRM_RESERVATION, orderId, { orderId, reservationId }), manager, t0),
    );
    // The confirmation's statement is waiting on the row lock the release holds.
    await pollUntil(
      async () =>
        (await dataSource.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%confirmation%'`)).length > 0 ? true : undefined,
      {
        timeoutMs: 5000,
        intervalMs: 10,
        description: 'the confirmation to wait for the lock',
      },
    );
    finishRelease();
    await Promise.all([releasing, confirming]);

    expect(await reservationOf(orderId)).toMatchObject({ status: 'released', confirmedAt: null });
    expect(loggedErrors).toEqual([
      { fields: { order_id: orderId, reservation_id: reservationId, release_reason: 'expired' }, message: 'paid order whose reservation was already released' },
    ]);
  });

  it('logs a confirmation for an unknown reservation as an error and changes nothing', async () => {
    const orderId = newOrderId();
    const reservationId = randomUUID();

    await confirm(orderId, reservationId, t0);

    expect(loggedErrors).toEqual([{ fields: { order_id: orderId, reservation_id: reservationId }, message: 'confirmation for an unknown reservation' }]);
  });

  it('releases every line of a reservation back to available in one statement', async () => {
    const [a, b] = await Promise.all([newProduct(10), newProduct(10)]);
    const orderId = newOrderId();
    await reserve(orderId, [
      { productId: a, quantity: 2 },
      { productId: b, quantity: 5 },
    ]);
    const reservationId = await reservationIdOf(orderId);

    const sent = await release(orderId, reservationId);

    expect(await stockOf(a)).toEqual({ available: 10, reserved: 0 });
    expect(await stockOf(b)).toEqual({ available: 10, reserved: 0 });
    expect(await reservationOf(orderId)).toMatchObject({ status: 'released', releaseReason: 'payment_declined', releasedAt: t0 });
    expect((await repliesTo(orderId)).at(-1)).toEqual({ type: STOCK_RELEASED.type, payload: { orderId, reservationId } });
    expect(sent).toHaveLength(1);
  });

  it('releases two reservations of the same product one after another in one transaction, a repeated release changing nothing', async () => {
    const productId = await newProduct(10);
    const [first, second] = [newOrderId(), newOrderId()];
    await reserve(first, [{ productId, quantity: 3 }]);
    await reserve(second, [{ productId, quantity: 4 }]);
    const ids = { [first]: await reservationIdOf(first), [second]: await reservationIdOf(second) };

    await inTransaction(async (manager) => {
      for (const orderId of [first, second, first]) {
        await releaseHandler.handle(testEnvelope(RELEASE_STOCK, orderId, { orderId, reservationId: ids[orderId], reason: 'payment_declined' }), manager, t0);
      }
    });

    expect(await stockOf(productId)).toEqual({ available: 10, reserved: 0 });
    expect(await reservationOf(first)).toMatchObject({ status: 'released' });
    expect(await reservationOf(second)).toMatchObject({ status: 'released' });
    expect((await repliesTo(first)).filter((reply) => reply.type === STOCK_RELEASED.type)).toHaveLength(2);
  });

  /**
   * Two products whose ids JavaScript's localeCompare and PostgreSQL's collation order differently: in the
   * database's order `-B` comes first, localeCompare puts `_A` first (it ignores punctuation at first).
   */
  const productsInLockOrder = async () => {
    const base = `SKU-RH-${randomBytes(3).toString('hex')}`;
    const [first, second] = [`${base}-B`, `${base}_A`];
    for (const productId of [first, second]) {
      await dataSource.query(`INSERT INTO product (product_id, name, unit_price_cents, available, reserved) VALUES ($1, 'Lock order item', 1000, 10, 0)`, [
        productId,
      ]);
    }
    const [{ ordered }] = await dataSource.query(`SELECT array_agg(product_id ORDER BY product_id) AS ordered FROM product WHERE product_id = ANY($1)`, [
      [first, second],
    ]);
    expect(ordered).toEqual([first, second]);
    return [first, second];
  };

  /**
   * Runs `work` (which touches both products) while another transaction holds `first`, as a ReserveStock of
   * both would, and checks that, waiting for `first`, the work holds nothing of `second`: a transaction that
   * holds the first and wants the second would otherwise deadlock with it.
   */
  const expectLocksInOrder = async (first: string, second: string, work: () => Promise<unknown>) => {
    const holder = dataSource.createQueryRunner();
    const prober = dataSource.createQueryRunner();
    let working: Promise<unknown> | undefined;
    try {
      await holder.startTransaction();
      await holder.query(`SELECT 1 FROM product WHERE product_id = $1 FOR UPDATE`, [first]);
      working = work();
      await pollUntil(
        async () => {
          const [{ waiting }] = await dataSource.query(
            `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          return waiting > 0 ? waiting : undefined;
        },
        { description: 'the work waiting for the held product' },
      );
      await prober.startTransaction();
      await expect(prober.query(`SELECT 1 FROM product WHERE product_id = $1 FOR UPDATE NOWAIT`, [second])).resolves.toHaveLength(1);
      await prober.rollbackTransaction();
    } finally {
      if (prober.isTransactionActive) await prober.rollbackTransaction();
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await Promise.all([prober.release(), holder.release()]);
      await working;
    }
  };

  it("a reservation locks its products in PostgreSQL's order of product_id, whatever the order of the lines", async () => {
    const [first, second] = await productsInLockOrder();
    const orderId = newOrderId();

    await expectLocksInOrder(first, second, () =>
      reserve(orderId, [
        { productId: second, quantity: 1 },
        { productId: first, quantity: 1 },
      ]),
    );

    expect(await stockOf(first)).toEqual({ available: 9, reserved: 1 });
    expect(await stockOf(second)).toEqual({ available: 9, reserved: 1 });
  });

  it("a release takes its product locks in the order a reservation does (PostgreSQL's order of product_id), so the two cannot deadlock", async () => {
    const [first, second] = await productsInLockOrder();
    const orderId = newOrderId();
    await reserve(orderId, [
      { productId: second, quantity: 1 },
      { productId: first, quantity: 1 },
    ]);
    const reservationId = await reservationIdOf(orderId);

    await expectLocksInOrder(first, second, () => release(orderId, reservationId));

    expect(await stockOf(first)).toEqual({ available: 10, reserved: 0 });
    expect(await stockOf(second)).toEqual({ available: 10, reserved: 0 });
  });
});
