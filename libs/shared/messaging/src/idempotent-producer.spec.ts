import { Kafka, ProducerBatch, ProducerConfig, ProducerRecord, RecordMetadata } from 'kafkajs';
import { IdempotentProducer } from './idempotent-producer';

/** A stand-in for kafkajs' producer: records what it was asked, fails the sends it is told to. */
class FakeProducer {
  connected = false;
  disconnected = false;
  readonly sent: string[] = [];
  failNextSend = false;
  private connectGate: Promise<void> = Promise.resolve();

  constructor(
    readonly id: number,
    readonly config: ProducerConfig | undefined,
  ) {}

  holdConnect(gate: Promise<void>): void {
    this.connectGate = gate;
  }

  async connect(): Promise<void> {
    await this.connectGate;
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.disconnected = true;
  }

  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    return this.record(record.topic);
  }

  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    return this.record((batch.topicMessages ?? []).map((messages) => messages.topic).join(','));
  }

  private record(what: string): RecordMetadata[] {
    if (!this.connected || this.disconnected) throw new Error(`producer ${this.id} used while not connected`);
    if (this.failNextSend) {
      this.failNextSend = false;
      throw new Error('The broker received an out of order sequence number');
    }
    this.sent.push(what);
    return [];
  }
}

function fakeKafka() {
  const created: FakeProducer[] = [];
  const kafka = { producer: (config?: ProducerConfig) => created[created.push(new FakeProducer(created.length + 1, config)) - 1] } as unknown as Kafka;
  return { kafka, created };
}

describe('IdempotentProducer', () => {
  it('creates an idempotent kafkajs producer with one request in flight', async () => {
    const { kafka, created } = fakeKafka();
    const producer = new IdempotentProducer(kafka);

    await producer.connect();
    await producer.send({ topic: 'a', acks: -1, messages: [] });

    expect(created).toHaveLength(1);
    expect(created[0].config).toMatchObject({ idempotent: true, maxInFlightRequests: 1 });
    expect(created[0].sent).toEqual(['a']);
  });

  it('after a failed send, drops that producer and sends the next time with a new one', async () => {
    const { kafka, created } = fakeKafka();
    const producer = new IdempotentProducer(kafka);
    await producer.connect();
    created[0].failNextSend = true;

    await expect(producer.sendBatch({ topicMessages: [{ topic: 'a', messages: [] }] })).rejects.toThrow('out of order sequence number');
    await producer.sendBatch({ topicMessages: [{ topic: 'a', messages: [] }] });
    await producer.send({ topic: 'b', messages: [] });

    expect(created).toHaveLength(2);
    expect(created[0].disconnected).toBe(true);
    expect(created[0].sent).toEqual([]);
    expect(created[1].sent).toEqual(['a', 'b']);
  });

  it('keeps a producer that has not failed: many sends, one producer', async () => {
    const { kafka, created } = fakeKafka();
    const producer = new IdempotentProducer(kafka);

    for (let i = 0; i < 5; i++) await producer.send({ topic: `t${i}`, messages: [] });

    expect(created).toHaveLength(1);
    expect(created[0].sent).toHaveLength(5);
  });

  it('sends that start together while it connects share one producer', async () => {
    const { kafka, created } = fakeKafka();
    const producer = new IdempotentProducer(kafka);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const original = kafka.producer.bind(kafka);
    (kafka as unknown as { producer: Kafka['producer'] }).producer = (config) => {
      const made = original(config) as unknown as FakeProducer;
      made.holdConnect(gate);
      return made as never;
    };

    const sends = Promise.all([producer.send({ topic: 'x', messages: [] }), producer.send({ topic: 'y', messages: [] })]);
    open();
    await sends;

    expect(created).toHaveLength(1);
    expect(created[0].sent.sort()).toEqual(['x', 'y']);
  });

  it('disconnect closes the current producer', async () => {
    const { kafka, created } = fakeKafka();
    const producer = new IdempotentProducer(kafka);
    await producer.connect();

    await producer.disconnect();

    expect(created[0].disconnected).toBe(true);
  });
});
