import { ensureDatabase, measureKafkaRoundTrip, measurePostgresCommit } from './floor-probes';

const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const prefix = process.env.ORDER_SAGA_TEST_DB_PREFIX ?? 'order_saga_test';

describe('floor probes (real PostgreSQL and Kafka)', () => {
  it('times a raw PostgreSQL commit over the requested number of rounds', async () => {
    const url = await ensureDatabase(adminUrl, `${prefix}_bench_floor`);

    const floor = await measurePostgresCommit(url, 30, 5);

    expect(floor.samples).toBe(30);
    expect(floor.medianMs).toBeGreaterThan(0);
    expect(floor.p95Ms).toBeGreaterThanOrEqual(floor.medianMs);
  });

  it('times a raw kafkajs request-reply round trip on the broker', async () => {
    const brokers = process.env.KAFKA_BROKERS;
    if (!brokers) throw new Error('KAFKA_BROKERS is not set: run this suite through `npm test`, or start a broker first');

    const floor = await measureKafkaRoundTrip(brokers, 20, 3);

    expect(floor.samples).toBe(20);
    expect(floor.medianMs).toBeGreaterThan(0);
    expect(floor.p99Ms).toBeGreaterThanOrEqual(floor.medianMs);
  }, 90_000);
});
