import { randomUUID } from 'node:crypto';
import { DEAD_LETTER_HEADERS } from '@order-saga/contracts';
import { IHeaders, Kafka } from 'kafkajs';

export interface RedriveOptions {
  kafka: Kafka;
  /** A dead-letter topic, e.g. `inventory.deadletter.reserve-stock.v1`. */
  topic: string;
  /** Only dead letters parked at or after this instant. */
  since?: Date;
  /** List what would be re-driven, publish nothing. */
  dryRun?: boolean;
  log?: (line: string) => void;
}

export interface RedriveResult {
  /** Dead letters read (those present when the command started, from `since` on). */
  read: number;
  /** Re-published to their original topic. */
  redriven: number;
}

/**
 * Puts dead letters back on the topic they came from, with their original key, bytes and headers (the
 * `dlq-*` headers are dropped, `dlq-redriven-from` names the dead letter). It reads up to the end of
 * the topic as it was at the start, so it terminates even while new dead letters arrive.
 *
 * Re-driving twice is safe for enveloped messages: every consumer's inbox skips a message id it has
 * already applied. Dead letters are not deleted (Kafka topics are append-only; retention ages them out).
 */
export async function redriveDeadLetters({ kafka, topic, since, dryRun = false, log = () => undefined }: RedriveOptions): Promise<RedriveResult> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `dlq-redrive-${randomUUID()}`;
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  const result: RedriveResult = { read: 0, redriven: 0 };
  try {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, { low: BigInt(p.low), high: BigInt(p.high) }]));
    const starts = new Map<number, bigint>();
    if (since) {
      for (const { partition, offset } of await admin.fetchTopicOffsetsByTimestamp(topic, since.getTime())) {
        // -1: no message at or after `since` in this partition.
        starts.set(partition, offset === '-1' ? ends.get(partition)!.high : BigInt(offset));
      }
    } else {
      for (const [partition, { low }] of ends) starts.set(partition, low);
    }
    const pending = new Set([...ends].filter(([partition, { high }]) => starts.get(partition)! < high).map(([partition]) => partition));
    if (pending.size === 0) {
      log(`${topic}: nothing to re-drive`);
      return result;
    }
    if (!dryRun) await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });

    let finish!: () => void;
    let fail!: (error: Error) => void;
    const finished = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const offset = BigInt(message.offset);
        const end = ends.get(partition)!.high;
        if (!pending.has(partition) || offset < starts.get(partition)! || offset >= end) return;
        try {
          result.read += 1;
          const headers = message.headers ?? {};
          const original = headerText(headers[DEAD_LETTER_HEADERS.originalTopic]);
          if (!original) {
            log(`${topic}/${partition}@${offset}: no ${DEAD_LETTER_HEADERS.originalTopic} header, skipped`);
          } else if (dryRun) {
            log(`${topic}/${partition}@${offset} → ${original}: ${headerText(headers[DEAD_LETTER_HEADERS.error]) ?? ''}`);
          } else {
            await producer.send({
              topic: original,
              acks: -1,
              messages: [
                {
                  key: message.key,
                  value: message.value,
                  headers: { ...withoutDeadLetterHeaders(headers), [DEAD_LETTER_HEADERS.redrivenFrom]: `${topic}/${partition}@${offset}` },
                },
              ],
            });
            result.redriven += 1;
            log(`${topic}/${partition}@${offset} → ${original}`);
          }
        } catch (error) {
          fail(error as Error);
          throw error;
        }
        if (offset + 1n >= end) {
          pending.delete(partition);
          if (pending.size === 0) finish();
        }
      },
    });
    // run() resolves once the group is joined; positions are then set explicitly, whatever is committed.
    for (const partition of pending) consumer.seek({ topic, partition, offset: String(starts.get(partition)) });
    await finished;
    return result;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

function headerText(value: IHeaders[string]): string | undefined {
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

function withoutDeadLetterHeaders(headers: IHeaders): IHeaders {
  const ours = new Set<string>(Object.values(DEAD_LETTER_HEADERS));
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !ours.has(name)));
}
