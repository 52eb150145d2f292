import { randomBytes, randomUUID } from 'node:crypto';
import { CONFIRM_RESERVATION, MessageDefinition, MessageEnvelope, RELEASE_STOCK, RESERVE_STOCK } from '@order-saga/contracts';
import { validateConfig } from '@order-saga/shared/config';
import { Outbox } from '@order-saga/shared/messaging';
import { pollUntil } from '@order-saga/shared/testing';
import type { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { InventoryServiceConfig } from '../../config/inventory-service.config';
import { Product } from '../../products/product.entity';
import { ConfirmReservationHandler } from '../confirm-reservation/confirm-reservation.handler';
import { ReleaseStockHandler } from '../release-stock/release-stock.handler';
import { Reservation } from '../reservation.entity';
import { ReserveStockHandler } from '../reserve-stock/reserve-stock.handler';
import { createInventoryTestDatabase, InventoryTestDatabase } from '../../testing/inventory-test-database';
import { ExpireReservationsHandler } from './expire-reservations.handler';

/**
 * The reservation expiry sweeper on a real PostgreSQL database with inventory-service's own migrations.
 * Time is passed in (`sweep(now)`, the handlers' `now`), so "past the TTL" is exact, not waited for.
 * The sweeper publishes nothing (the saga learns nothing from an expiry), so no broker is needed.
 */
const TTL_SECONDS = 600;
const TTL_MS = TTL_SECONDS * 1000;
const INITIAL_STOCK = 100;

const quietLogger = { warn: () => undefined, error: () => undefined, info: () => undefined, debug: () => undefined } as unknown as PinoLogger;

function envelope<T extends object>(definition: MessageDefinition<T>, orderId: string, payload: T, at: Date): MessageEnvelope<T> {
  return {
    messageId: randomUUID(),
    type: definition.type,
    correlationId: orderId,
    causationId: null,
    occurredAt: at.toISOString(),
    requestId: null,
    traceparent: null,
    payload,
  };
}

describe('reservation expiry sweeper (PostgreSQL)', () => {
  let database: InventoryTestDatabase;
  let dataSource: DataSource;
  let config: InventoryServiceConfig;
  let reserveHandler: ReserveStockHandler;
  let releaseHandler: ReleaseStockHandler;
  let confirmHandler: ConfirmReservationHandler;
  let sweeper: ExpireReservationsHandler;
  /** Each test has its own product, so stock figures are exact. */
  let productId: string;
  const t0 = new Date('2030-01-01T12:00:00.000Z');

  beforeAll(async () => {
    database = await createInventoryTestDatabase('expiry');
    dataSource = database.dataSource;
    // KAFKA_BROKERS is required by the config class but never dialled: nothing here talks to Kafka.
    config = validateConfig(InventoryServiceConfig, {
      PORT: '0',
      DATABASE_URL: database.url,
      KAFKA_BROKERS: '127.0.0.1:9',
      RESERVATION_TTL_SECONDS: String(TTL_SECONDS),
      RESERVATION_SWEEP_INTERVAL_MS: '50',
    });
    const outbox = new Outbox();
    reserveHandler = new ReserveStockHandler(outbox, config);
    releaseHandler = new ReleaseStockHandler(outbox);
    confirmHandler = new ConfirmReservationHandler(quietLogger);
    sweeper = new ExpireReservationsHandler(dataSource, releaseHandler, config, quietLogger);
  });

  afterAll(async () => {
    await database?.drop();
  });

  beforeEach(async () => {
    productId = `SKU-EXP-${randomBytes(3).toString('hex')}`;
    await dataSource.query(`INSERT INTO product (product_id, name, unit_price_cents, available, reserved) VALUES ($1, 'Expiry test item', 1000, $2, 0)`, [
      productId,
      INITIAL_STOCK,
    ]);
  });

  /** Reserves `quantity` of the test's product for a new order at `at`, through the real ReserveStock handler. */
  const reserve = async (quantity: number, at = t0) => {
    const orderId = `ORD-EXP-${randomBytes(4).toString('hex')}`;
    await dataSource.transaction((manager) =>
      reserveHandler.handle(envelope(RESERVE_STOCK, orderId, { orderId, items: [{ productId, quantity }] }, at), manager, at),
    );
    const reservation = await dataSource.getRepository(Reservation).findOneByOrFail({ orderId });
    return { orderId, reservationId: reservation.reservationId };
  };
  const confirm = (orderId: string, reservationId: string, at: Date) =>
    dataSource.transaction((manager) => confirmHandler.handle(envelope(CONFIRM_RESERVATION, orderId, { orderId, reservationId }, at), manager, at));
  const stock = async () => {
    const product = await dataSource.getRepository(Product).findOneByOrFail({ productId });
    return { available: product.available, reserved: product.reserved };
  };
  const reservationOf = (reservationId: string) => dataSource.getRepository(Reservation).findOneByOrFail({ reservationId });
  const at = (msAfterT0: number) => new Date(t0.getTime() + msAfterT0);

  it('releases an unconfirmed reservation once RESERVATION_TTL_SECONDS have passed: its stock is available again', async () => {
    const { reservationId } = await reserve(7);
    expect(await stock()).toEqual({ available: INITIAL_STOCK - 7, reserved: 7 });
    expect((await reservationOf(reservationId)).expiresAt).toEqual(at(TTL_MS));

    // One millisecond before the TTL ends it is still held.
    await sweeper.sweep(at(TTL_MS - 1));
    expect(await reservationOf(reservationId)).toMatchObject({ status: 'reserved', releasedAt: null });
    expect(await stock()).toEqual({ available: INITIAL_STOCK - 7, reserved: 7 });

    const releasedAt = at(TTL_MS);
    expect(await sweeper.sweep(releasedAt)).toBe(1);

    expect(await reservationOf(reservationId)).toMatchObject({ status: 'released', releaseReason: 'expired', releasedAt });
    expect(await stock()).toEqual({ available: INITIAL_STOCK, reserved: 0 });
  });

  it('never releases a confirmed reservation (confirmed_at set), however long after its TTL', async () => {
    const { orderId, reservationId } = await reserve(5);
    await confirm(orderId, reservationId, at(30_000));
    expect((await reservationOf(reservationId)).confirmedAt).toEqual(at(30_000));

    await sweeper.sweep(at(TTL_MS));
    await sweeper.sweep(at(365 * 24 * 3600 * 1000));

    expect(await reservationOf(reservationId)).toMatchObject({ status: 'reserved', releasedAt: null, releaseReason: null });
    expect(await stock()).toEqual({ available: INITIAL_STOCK - 5, reserved: 5 });
  });

  it('in one sweep, releases the unconfirmed reservation and keeps the confirmed one on the same product', async () => {
    const paid = await reserve(10);
    const abandoned = await reserve(4);
    await confirm(paid.orderId, paid.reservationId, at(1000));

    expect(await sweeper.sweep(at(TTL_MS + 1))).toBe(1);

    expect(await reservationOf(abandoned.reservationId)).toMatchObject({ status: 'released', releaseReason: 'expired' });
    expect(await reservationOf(paid.reservationId)).toMatchObject({ status: 'reserved', releasedAt: null });
    expect(await stock()).toEqual({ available: INITIAL_STOCK - 10, reserved: 10 });
  });

  it('does not give back twice the stock of a reservation the saga already released', async () => {
    const { orderId, reservationId } = await reserve(6);
    await dataSource.transaction((manager) =>
      releaseHandler.handle(envelope(RELEASE_STOCK, orderId, { orderId, reservationId, reason: 'payment_declined' }, at(2000)), manager, at(2000)),
    );
    expect(await stock()).toEqual({ available: INITIAL_STOCK, reserved: 0 });

    await sweeper.sweep(at(2 * TTL_MS));

    expect(await reservationOf(reservationId)).toMatchObject({ status: 'released', releaseReason: 'payment_declined', releasedAt: at(2000) });
    expect(await stock()).toEqual({ available: INITIAL_STOCK, reserved: 0 });
  });

  it('two replicas sweeping at once release each expired reservation exactly once', async () => {
    const reservations = await Promise.all([1, 2, 3, 4, 5, 6].map((quantity) => reserve(quantity, at(-5 * TTL_MS))));
    expect(await stock()).toEqual({ available: INITIAL_STOCK - 21, reserved: 21 });
    const otherReplica = new ExpireReservationsHandler(dataSource, new ReleaseStockHandler(new Outbox()), config, quietLogger);

    const [byThis, byOther] = await Promise.all([sweeper.sweep(at(-4 * TTL_MS)), otherReplica.sweep(at(-4 * TTL_MS))]);

    // Only this test's reservations had expired by then (every other test reserves at t0).
    expect(byThis + byOther).toBe(6);
    for (const { reservationId } of reservations) expect(await reservationOf(reservationId)).toMatchObject({ status: 'released', releaseReason: 'expired' });
    expect(await stock()).toEqual({ available: INITIAL_STOCK, reserved: 0 });
  });

  it('runs on its own every RESERVATION_SWEEP_INTERVAL_MS once the service started, on the wall clock', async () => {
    // Reserved a TTL and a minute ago by the wall clock: expired now, whatever the sweeper's timing.
    const reservedAt = new Date(Date.now() - TTL_MS - 60_000);
    const expired = await reserve(3, reservedAt);
    const confirmed = await reserve(2, reservedAt);
    await confirm(confirmed.orderId, confirmed.reservationId, reservedAt);
    const scheduled = new ExpireReservationsHandler(dataSource, releaseHandler, config, quietLogger);

    scheduled.onApplicationBootstrap();
    try {
      await pollUntil(async () => ((await reservationOf(expired.reservationId)).status === 'released' ? true : undefined), {
        description: 'the scheduled sweep to release the expired reservation',
        timeoutMs: 10_000,
      });
    } finally {
      await scheduled.onApplicationShutdown();
    }

    expect(await reservationOf(confirmed.reservationId)).toMatchObject({ status: 'reserved', releasedAt: null });
    expect(await stock()).toEqual({ available: INITIAL_STOCK - 2, reserved: 2 });
  });
});
