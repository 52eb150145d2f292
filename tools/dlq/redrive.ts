/**
 * Re-drives dead-lettered messages back to the topic they came from.
 *
 *   npm run dlq:redrive -- --topic inventory.deadletter.reserve-stock.v1 [--since 2026-01-31T12:00:00Z] [--dry-run]
 *
 * KAFKA_BROKERS (default 127.0.0.1:9092) names the cluster; KAFKA_SSL, KAFKA_SASL_MECHANISM and the rest of
 * the messaging library's connection settings say how to reach it (docs/kafka-security.md). See
 * docs/saga-reliability.md.
 */
import { applyKafkajsIdleTimerFix, kafkaClientSecurity, kafkaSecurityConfigFrom, redriveDeadLetters } from '@order-saga/shared/messaging';
import { Kafka, logLevel } from 'kafkajs';
import { parseArgs } from 'node:util';

const USAGE = 'usage: npm run dlq:redrive -- --topic <owner>.deadletter.<name>.v1 [--since <ISO-8601 time>] [--dry-run]\n';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      topic: { type: 'string' },
      since: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!values.topic || !/\.deadletter\./.test(values.topic)) {
    process.stderr.write(`--topic must name a dead-letter topic (<owner>.deadletter.<name>.v1)\n${USAGE}`);
    return 2;
  }
  const since = values.since ? new Date(values.since) : undefined;
  if (since && Number.isNaN(since.getTime())) {
    process.stderr.write(`--since must be an ISO-8601 time, got "${values.since}"\n${USAGE}`);
    return 2;
  }
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((broker) => broker.trim());
  applyKafkajsIdleTimerFix();
  const kafka = new Kafka({ clientId: 'dlq-redrive', brokers, logLevel: logLevel.WARN, ...kafkaClientSecurity(kafkaSecurityConfigFrom(process.env)) });
  const result = await redriveDeadLetters({ kafka, topic: values.topic, since, dryRun: values['dry-run'], log: (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write(
    `${values['dry-run'] ? 'would re-drive' : 're-drove'} ${values['dry-run'] ? result.read : result.redriven} of ${result.read} dead letter(s) from ${values.topic}\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`dlq:redrive failed: ${error.message}\n`);
    process.exit(1);
  },
);
