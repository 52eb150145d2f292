/**
 * Manual smoke test of the dev Kafka broker: start, print where it listens, stop, print timings.
 *   node -r @swc-node/register tools/infra/src/kafka-broker.smoke.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveKafkaClasspath, startKafkaBroker } from './kafka-broker';

async function main(): Promise<void> {
  const cacheDir = resolve(__dirname, '../../../.cache');
  const dataDir = await mkdtemp(join(tmpdir(), 'kafka-smoke-'));
  const log = (line: string) => console.log(`  ${line}`);
  try {
    let t = Date.now();
    await resolveKafkaClasspath(cacheDir);
    console.log(`jars ready in ${Date.now() - t} ms`);

    t = Date.now();
    const broker = await startKafkaBroker({ cacheDir, dataDir, log });
    console.log(`bootstrapServers=${broker.bootstrapServers} pid=${broker.pid}, started in ${Date.now() - t} ms`);

    t = Date.now();
    await broker.stop();
    console.log(`stopped in ${Date.now() - t} ms`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
