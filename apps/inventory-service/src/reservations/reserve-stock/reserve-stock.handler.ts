import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MessageEnvelope, ReserveStockCommand, STOCK_RESERVATION_REJECTED, STOCK_RESERVED } from '@order-saga/contracts';
import { Outbox, originOf } from '@order-saga/shared/messaging';
import { EntityManager } from 'typeorm';
import { InventoryServiceConfig } from '../../config/inventory-service.config';
import { AllocatedLine, allocateStock, StockLevel } from '../../domain/stock-allocation';
import { catalogPriceMismatches } from '../../products/domain/catalog-price-check';

/**
 * The whole step in one statement: the order's earlier reservation if there is one; else the requested
 * products locked in product_id order (so two orders over the same products cannot deadlock), and, only
 * when every line passes the guard, their stock moved to `reserved` and the reservation with its lines
 * inserted. The guard is the rule of catalogPriceMismatches and allocateStock (every product known and
 * active, no stated price other than the catalog's, enough stock for the summed lines); the handler
 * recomputes those from the returned rows to word a rejection, and refuses to go on if the two disagree.
 *
 * `verdict` aggregates over every locked row, so all the locks are taken, in order, before any row is
 * updated. The rows returned are the stock as locked (before the move), or the earlier reservation's lines.
 * A concurrent first reservation of the same order fails on order_id's unique index; the retry replays it.
 */
const RESERVE = `
  WITH requested AS (
         SELECT product_id, sum(quantity)::integer AS quantity,
                min(expected_unit_price_cents) AS lowest_expected, max(expected_unit_price_cents) AS highest_expected
           FROM unnest($2::text[], $3::integer[], $4::integer[]) AS line (product_id, quantity, expected_unit_price_cents)
          GROUP BY product_id
       ),
       existing AS (
         SELECT reservation_id, total_cents FROM reservation WHERE order_id = $1
       ),
       stock AS MATERIALIZED (
         SELECT product_id, available, unit_price_cents, active
           FROM product
          WHERE product_id IN (SELECT product_id FROM requested) AND NOT EXISTS (SELECT FROM existing)
          ORDER BY product_id
            FOR UPDATE
       ),
       verdict AS (
         SELECT coalesce(every(stock.product_id IS NOT NULL AND stock.active AND stock.available >= requested.quantity
                               AND coalesce(requested.lowest_expected = stock.unit_price_cents AND requested.highest_expected = stock.unit_price_cents, true)), false) AS ok,
                sum(requested.quantity::bigint * stock.unit_price_cents)::integer AS total_cents
           FROM requested LEFT JOIN stock USING (product_id)
          WHERE NOT EXISTS (SELECT FROM existing)
       ),
       taken AS (
         UPDATE product
            SET available = product.available - requested.quantity, reserved = product.reserved + requested.quantity, updated_at = now()
           FROM requested, verdict
          WHERE verdict.ok AND product.product_id = requested.product_id
       ),
       held AS (
         INSERT INTO reservation (reservation_id, order_id, status, total_cents, expires_at)
         SELECT $5, $1, 'reserved', verdict.total_cents, $6 FROM verdict WHERE verdict.ok
         RETURNING reservation_id
       ),
       held_lines AS (
         INSERT INTO reservation_line (reservation_id, product_id, quantity, unit_price_cents)
         SELECT held.reservation_id, requested.product_id, requested.quantity, stock.unit_price_cents
           FROM held, requested JOIN stock USING (product_id)
       )
SELECT 'replayed' AS outcome, existing.reservation_id, existing.total_cents,
       line.product_id, line.quantity, line.unit_price_cents, NULL::integer AS available, NULL::boolean AS active
  FROM existing JOIN reservation_line line USING (reservation_id)
 UNION ALL
SELECT CASE WHEN verdict.ok THEN 'reserved' ELSE 'rejected' END, held.reservation_id, verdict.total_cents,
       stock.product_id, NULL, stock.unit_price_cents, stock.available, stock.active
  FROM verdict CROSS JOIN stock LEFT JOIN held ON true
 ORDER BY product_id`;

/** A line of the order's earlier reservation. */
interface ReplayedRow {
  outcome: 'replayed';
  reservation_id: string;
  total_cents: number;
  product_id: string;
  quantity: number;
  unit_price_cents: number;
}

/** A requested product as locked, before any move; reservation_id and total_cents are set when reserved. */
interface StockRow {
  outcome: 'reserved' | 'rejected';
  reservation_id: string | null;
  total_cents: number | null;
  product_id: string;
  unit_price_cents: number;
  available: number;
  active: boolean;
}

/** Reserves all of an order's lines or none, and replies with the outcome through the outbox. */
@Injectable()
export class ReserveStockHandler {
  constructor(
    private readonly outbox: Outbox,
    private readonly config: InventoryServiceConfig,
  ) {}

  async handle(envelope: MessageEnvelope<ReserveStockCommand>, manager: EntityManager, now = new Date()): Promise<void> {
    const { orderId, items } = envelope.payload;
    const origin = originOf(envelope);
    const reservationId = randomUUID();
    const expiresAt = new Date(now.getTime() + this.config.RESERVATION_TTL_SECONDS * 1000);
    const rows: (ReplayedRow | StockRow)[] = await manager.query(RESERVE, [
      orderId,
      items.map((item) => item.productId),
      items.map((item) => item.quantity),
      items.map((item) => item.expectedUnitPriceCents ?? null),
      reservationId,
      expiresAt,
    ]);

    const replayed = rows.filter((row): row is ReplayedRow => row.outcome === 'replayed');
    if (replayed.length > 0) {
      // A re-sent command (new message id, same order): answer with what was decided the first time.
      const lines = replayed.map((row) => ({ productId: row.product_id, quantity: row.quantity, unitPriceCents: row.unit_price_cents }));
      await this.outbox.append(manager, STOCK_RESERVED, reservedReply(orderId, replayed[0].reservation_id, lines, replayed[0].total_cents), origin);
      return;
    }

    // No rows: none of the products exists, so nothing was locked and nothing reserved.
    const locked = rows.filter((row): row is StockRow => row.outcome !== 'replayed');
    const stock: StockLevel[] = locked.map((row) => ({
      productId: row.product_id,
      available: row.available,
      unitPriceCents: row.unit_price_cents,
      active: row.active,
    }));
    const reservedCents = locked[0]?.outcome === 'reserved' ? locked[0].total_cents : null;
    // A client-stated price that the catalog does not confirm is the client's error, whatever the stock.
    const priceMismatches = catalogPriceMismatches(items, stock);
    const allocation = allocateStock(items, stock);
    const decidedCents = priceMismatches.length === 0 && allocation.ok ? allocation.totalCents : null;
    if (reservedCents !== decidedCents) {
      // Rolls the step back: the guard in SQL and the domain rules must never part.
      throw new Error(
        `order ${orderId}: the reservation guard reserved ${reservedCents ?? 'nothing'}, the allocation rules ${decidedCents ?? 'nothing'} (cents)`,
      );
    }
    if (priceMismatches.length > 0) {
      await this.outbox.append(manager, STOCK_RESERVATION_REJECTED, { orderId, reason: 'PRICE_MISMATCH', shortages: [], priceMismatches }, origin);
      return;
    }
    if (!allocation.ok) {
      await this.outbox.append(manager, STOCK_RESERVATION_REJECTED, { orderId, reason: allocation.reason, shortages: allocation.shortages }, origin);
      return;
    }
    await this.outbox.append(manager, STOCK_RESERVED, reservedReply(orderId, reservationId, allocation.lines, allocation.totalCents), origin);
  }
}

function reservedReply(orderId: string, reservationId: string, lines: AllocatedLine[], totalCents: number) {
  return {
    orderId,
    reservationId,
    items: lines.map(({ productId, quantity, unitPriceCents }) => ({ productId, quantity, unitPriceCents })),
    totalCents,
    currency: 'USD' as const,
  };
}
