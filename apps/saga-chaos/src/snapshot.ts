import { ENVELOPE_HEADERS, TOPICS } from '@order-saga/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { withPgClient } from '@order-saga/shared/testing';
import { derivedEventId } from '@order-saga/webhooks';
import { Client } from 'pg';
import { LifecycleEventRow, OrderRow, PaymentRow, ProductRow, ReservationLineRow } from './invariants';

/** Runs `work` with one connection to a service's own database. */
export const withDatabase = withPgClient;

async function columnsOf(client: Client, table: string): Promise<Set<string>> {
  const { rows } = await client.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
    [table],
  );
  return new Set(rows.map((row) => row.column_name));
}

export function readOrders(orderDb: string): Promise<OrderRow[]> {
  return withDatabase(orderDb, async (client) => {
    const { rows } = await client.query(`SELECT order_id, status, failure_code, idempotency_key FROM customer_order`);
    return rows.map((row) => ({ orderId: row.order_id, status: row.status, failureCode: row.failure_code, idempotencyKey: row.idempotency_key }));
  });
}

export function countPending(orderDb: string): Promise<number> {
  return withDatabase(orderDb, async (client) =>
    Number((await client.query(`SELECT count(*) AS n FROM customer_order WHERE status NOT IN ('confirmed', 'cancelled')`)).rows[0].n),
  );
}

/**
 * The webhook events order-service's outbox gives rise to: each lifecycle message's own, and the
 * `order.updated` notification-service derives from a message that carries the status change. Each
 * must reach the webhook receiver.
 */
export function readLifecycleEvents(orderDb: string): Promise<LifecycleEventRow[]> {
  return withDatabase(orderDb, async (client) => {
    const { rows } = await client.query(
      `SELECT message_id, message_key, message_type, envelope->'payload' ? 'statusChange' AS announces_update FROM outbox WHERE topic = $1`,
      [TOPICS.order.lifecycleEvents],
    );
    return rows.flatMap((row) => {
      const own = { messageId: row.message_id, orderId: row.message_key, type: row.message_type };
      if (!row.announces_update) return [own];
      return [own, { messageId: derivedEventId(row.message_id, 'order.updated'), orderId: row.message_key, type: `OrderUpdated (in ${row.message_type})` }];
    });
  });
}

export function readProducts(inventoryDb: string, productIds: string[]): Promise<ProductRow[]> {
  return withDatabase(inventoryDb, async (client) => {
    // A sold counter is optional: inventory may keep confirmed stock in reservations only.
    const hasSold = (await columnsOf(client, 'product')).has('sold');
    const { rows } = await client.query(
      `SELECT product_id, available, reserved${hasSold ? ', sold' : ''} FROM product WHERE product_id = ANY($1) ORDER BY product_id`,
      [productIds],
    );
    return rows.map((row) => ({ productId: row.product_id, available: row.available, reserved: row.reserved, ...(hasSold ? { sold: row.sold } : {}) }));
  });
}

export function readReservationLines(inventoryDb: string): Promise<ReservationLineRow[]> {
  return withDatabase(inventoryDb, async (client) => {
    const { rows } = await client.query(
      `SELECT r.reservation_id, r.order_id, r.status, l.product_id, l.quantity FROM reservation r JOIN reservation_line l ON l.reservation_id = r.reservation_id`,
    );
    return rows.map((row) => ({
      reservationId: row.reservation_id,
      orderId: row.order_id,
      status: row.status,
      productId: row.product_id,
      quantity: row.quantity,
    }));
  });
}

/**
 * Payment rows read as "money taken" / "money given back". Refunds may be a status of the payment,
 * a column on it or rows of a table of their own; whichever this schema has is used.
 */
export function readPayments(paymentDb: string): Promise<{ payments: PaymentRow[]; refundSource: string }> {
  return withDatabase(paymentDb, async (client) => {
    const columns = await columnsOf(client, 'payment');
    const { rows } = await client.query(`SELECT * FROM payment`);
    const refundTables = (
      await client.query<{ table_name: string }>(
        `SELECT DISTINCT c.table_name FROM information_schema.columns c WHERE c.table_schema = 'public' AND c.table_name LIKE '%refund%' AND c.column_name = 'order_id'`,
      )
    ).rows.map((row) => row.table_name);
    const refundedOrders = new Map<string, number>();
    for (const table of refundTables) {
      const tableColumns = await columnsOf(client, table);
      const filter = tableColumns.has('status') ? `WHERE status NOT IN ('failed', 'pending', 'declined')` : '';
      for (const row of (await client.query(`SELECT order_id FROM ${table} ${filter}`)).rows) {
        refundedOrders.set(row.order_id, (refundedOrders.get(row.order_id) ?? 0) + 1);
      }
    }
    const payments = rows.map((row) => {
      const refundedHere =
        row.status === 'refunded' ||
        (columns.has('refunded_at') && row.refunded_at !== null) ||
        (columns.has('refunded_cents') && Number(row.refunded_cents) > 0);
      const refundsLeft = refundedOrders.get(row.order_id) ?? 0;
      const refundedElsewhere = refundsLeft > 0;
      if (refundedElsewhere) refundedOrders.set(row.order_id, refundsLeft - 1);
      return {
        orderId: row.order_id,
        status: row.status,
        charged: row.status === 'succeeded' || row.status === 'refunded' || refundedHere,
        refunded: refundedHere || refundedElsewhere,
      };
    });
    const refundSource = [
      'payment.status = refunded',
      ...(columns.has('refunded_at') ? ['payment.refunded_at'] : []),
      ...(columns.has('refunded_cents') ? ['payment.refunded_cents'] : []),
      ...refundTables.map((table) => `table ${table}`),
    ].join(', ');
    return { payments, refundSource };
  });
}

/** Unpublished outbox rows of a service; 0 everywhere means every committed message reached Kafka. */
export function countUnpublished(databaseUrl: string): Promise<number> {
  return withDatabase(databaseUrl, async (client) => Number((await client.query(`SELECT count(*) AS n FROM outbox WHERE published_at IS NULL`)).rows[0].n));
}

/** Message id and topic of every outbox row the relay marked published, i.e. acknowledged by the broker. */
export function readPublishedOutbox(databaseUrl: string): Promise<{ messageId: string; topic: string }[]> {
  return withDatabase(databaseUrl, async (client) => {
    const { rows } = await client.query<{ message_id: string; topic: string }>(`SELECT message_id, topic FROM outbox WHERE published_at IS NOT NULL`);
    return rows.map((row) => ({ messageId: row.message_id, topic: row.topic }));
  });
}

/**
 * The message ids (envelope header) of every message in `topics`, read from each partition's start to
 * its end as it was when reading began. What the relays marked published must all be here: a broker that
 * acknowledged a send without writing it (the idempotent-producer failure, docs/saga-reliability.md)
 * shows up as an id missing.
 */
export async function readMessageIdsInKafka(brokers: string, topics: string[], timeoutMs = 60_000): Promise<Set<string>> {
  const kafka = new Kafka({ clientId: 'saga-chaos-checker', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const ids = new Set<string>();
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, bigint>();
  try {
    for (const topic of topics) {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(high) > BigInt(low)) remaining.set(`${topic}/${partition}`, BigInt(high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  if (remaining.size === 0) return ids;

  const consumer = kafka.consumer({ groupId: `saga-chaos-checker-${Date.now()}-${Math.random().toString(36).slice(2)}`, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const id = message.headers?.[ENVELOPE_HEADERS.messageId];
        if (id !== undefined) ids.add(String(Array.isArray(id) ? id[0] : id));
        const key = `${topic}/${partition}`;
        const end = remaining.get(key);
        if (end !== undefined && BigInt(message.offset) + 1n >= end) {
          remaining.delete(key);
          if (remaining.size === 0) finish();
        }
      },
    });
    const deadline = new Promise<never>((_, reject) =>
      setTimeout(
        () =>
          reject(new Error(`reading ${topics.length} topic(s) did not reach their ends within ${timeoutMs} ms (left: ${[...remaining.keys()].join(', ')})`)),
        timeoutMs,
      ).unref(),
    );
    await Promise.race([finished, deadline]);
    return ids;
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}

export function countDeadLetterRows(databaseUrl: string): Promise<number> {
  return withDatabase(databaseUrl, async (client) => {
    const exists = (await client.query(`SELECT to_regclass('public.dead_letter') AS t`)).rows[0].t;
    return exists ? Number((await client.query(`SELECT count(*) AS n FROM dead_letter`)).rows[0].n) : 0;
  });
}

/** Messages on dead-letter topics (any topic named like one), and each consumer group's total lag. */
export async function readKafkaState(brokers: string): Promise<{ deadLetterTopics: { topic: string; count: number }[]; lag: Record<string, number> }> {
  const admin = new Kafka({ clientId: 'saga-chaos-checker', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => !topic.startsWith('__'));
    const ends = new Map<string, { partition: number; high: number; low: number }[]>();
    for (const topic of topics) {
      ends.set(
        topic,
        (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, high: Number(p.high), low: Number(p.low) })),
      );
    }
    const deadLetterTopics = topics
      .filter((topic) => /dead-?letter|dlq/i.test(topic))
      .map((topic) => ({ topic, count: (ends.get(topic) ?? []).reduce((total, p) => total + p.high - p.low, 0) }));
    const lag: Record<string, number> = {};
    const { groups } = await admin.listGroups();
    for (const { groupId } of groups) {
      const committed = await admin.fetchOffsets({ groupId, topics });
      lag[groupId] = 0;
      for (const { topic, partitions } of committed) {
        // A topic without any commit of this group is one it does not consume.
        if (!partitions.some(({ offset }) => Number(offset) >= 0)) continue;
        for (const { partition, offset } of partitions) {
          const end = ends.get(topic)?.find((p) => p.partition === partition);
          if (end) lag[groupId] += end.high - (Number(offset) >= 0 ? Number(offset) : end.low);
        }
      }
    }
    return { deadLetterTopics, lag };
  } finally {
    await admin.disconnect();
  }
}
