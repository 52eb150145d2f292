import { consumerBatchMessages } from '@order-saga/shared/observability';
import type { Consumer, ConsumerRunConfig, EachBatchPayload } from 'kafkajs';
import { BatchingKafkaServer, RoundClock } from './batching-kafka-server';

describe('BatchingKafkaServer', () => {
  function serverWith(patterns: string[]): BatchingKafkaServer {
    const server = new BatchingKafkaServer({ client: { brokers: ['127.0.0.1:1'] } });
    for (const pattern of patterns) server.addHandler(pattern, async () => undefined, true);
    return server;
  }

  it('finds the handler of a topic without parsing the topic name as JSON on every message', () => {
    const server = serverWith(['inventory.commands', 'order.replies']);
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const first = server.getHandlerByPattern('inventory.commands');
      const callsAfterFirst = parse.mock.calls.length;
      for (let i = 0; i < 100; i++) expect(server.getHandlerByPattern('inventory.commands')).toBe(first);
      expect(first).not.toBeNull();
      expect(parse.mock.calls.length).toBe(callsAfterFirst);
    } finally {
      parse.mockRestore();
    }
  });

  it('keeps the lookup per topic: each topic has its own handler and an unknown topic has none', () => {
    const server = serverWith(['inventory.commands', 'order.replies']);
    const inventory = server.getHandlerByPattern('inventory.commands');
    const replies = server.getHandlerByPattern('order.replies');
    expect(inventory).not.toBeNull();
    expect(replies).not.toBeNull();
    expect(inventory).not.toBe(replies);
    expect(server.getHandlerByPattern('payment.commands')).toBeNull();
    expect(server.getHandlerByPattern('payment.commands')).toBeNull();
  });
});

describe('BatchingKafkaServer round linger', () => {
  /** A clock whose time moves only when told, and whose sleeps end only when released. */
  class ManualClock implements RoundClock {
    time = 1_000;
    readonly sleeps: { ms: number; wake: () => void }[] = [];
    now(): number {
      return this.time;
    }
    sleep(ms: number): Promise<void> {
      return new Promise((wake) => this.sleeps.push({ ms, wake }));
    }
  }

  /** A consumer that gives the server's eachBatch to the test instead of a broker. */
  async function consumingServer(lingerMs: number, clock: ManualClock, handle: () => void = () => undefined) {
    const server = new BatchingKafkaServer({ client: { brokers: ['127.0.0.1:1'] } }, { lingerMs, clock });
    server.addHandler('inventory.commands', async () => handle(), true);
    let eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
    const consumer = { subscribe: async () => undefined, run: async (config: ConsumerRunConfig) => void (eachBatch = config.eachBatch) };
    await server.bindEvents(consumer as unknown as Consumer);
    return (payload: EachBatchPayload) => eachBatch!(payload);
  }

  function fetched(offsets: string[], { running = true } = {}) {
    const resolved: string[] = [];
    const payload = {
      batch: {
        topic: 'inventory.commands',
        partition: 0,
        messages: offsets.map((offset) => ({ offset, key: null, value: Buffer.from('{}'), headers: {}, timestamp: '0', attributes: 0 })),
      },
      isRunning: () => running,
      isStale: () => false,
      heartbeat: async () => undefined,
      pause: () => () => undefined,
      resolveOffset: (offset: string) => void resolved.push(offset),
      commitOffsetsIfNecessary: async () => undefined,
      uncommittedOffsets: () => ({ topics: [] }),
    };
    return { payload: payload as unknown as EachBatchPayload, resolved };
  }

  /** Lets the callbacks and promise chains the round queued run (no timers: the clock is the test's). */
  async function flush(turns = 50): Promise<void> {
    for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  it('holds the next fetch until the linger has passed since the round arrived, with offsets resolved before', async () => {
    const clock = new ManualClock();
    const eachBatch = await consumingServer(10, clock, () => (clock.time += 3));
    const { payload, resolved } = fetched(['7', '8']);
    let settled = false;
    const round = eachBatch(payload).then(() => (settled = true));
    await flush();

    expect(resolved).toEqual(['7', '8']);
    expect(clock.sleeps.map((sleep) => sleep.ms)).toEqual([4]);
    expect(settled).toBe(false);
    clock.sleeps[0].wake();
    await round;
    expect(settled).toBe(true);
  });

  it('fetches again at once after a round that took longer than the linger', async () => {
    const clock = new ManualClock();
    const eachBatch = await consumingServer(10, clock, () => (clock.time += 6));
    const { payload, resolved } = fetched(['1', '2']);
    await eachBatch(payload);

    expect(resolved).toEqual(['1', '2']);
    expect(clock.sleeps).toEqual([]);
  });

  it('fetches again at once after a lone message: light traffic gets no added latency', async () => {
    const clock = new ManualClock();
    const eachBatch = await consumingServer(10, clock);
    const { payload, resolved } = fetched(['5']);
    await eachBatch(payload);

    expect(resolved).toEqual(['5']);
    expect(clock.sleeps).toEqual([]);
  });

  it('counts each transaction and its messages in order_saga_consumer_batch_messages', async () => {
    const before = (await consumerBatchMessages.get()).values;
    const countOf = (values: typeof before) => values.find((value) => value.metricName === 'order_saga_consumer_batch_messages_count')?.value ?? 0;
    const sumOf = (values: typeof before) => values.find((value) => value.metricName === 'order_saga_consumer_batch_messages_sum')?.value ?? 0;
    const eachBatch = await consumingServer(0, new ManualClock());

    await eachBatch(fetched(['1', '2', '3']).payload);
    await eachBatch(fetched(['4']).payload);

    const after = (await consumerBatchMessages.get()).values;
    expect(countOf(after) - countOf(before)).toBe(2);
    expect(sumOf(after) - sumOf(before)).toBe(4);
  });

  it('never waits with no linger configured, nor when the consumer is stopping', async () => {
    const noLinger = new ManualClock();
    const withoutLinger = await consumingServer(0, noLinger);
    await withoutLinger(fetched(['1', '2']).payload);
    expect(noLinger.sleeps).toEqual([]);

    const stopping = new ManualClock();
    const whileStopping = await consumingServer(10, stopping);
    await whileStopping(fetched(['1', '2'], { running: false }).payload);
    expect(stopping.sleeps).toEqual([]);
  });
});
