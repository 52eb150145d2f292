import { Type } from '@nestjs/common';
import { KafkaServiceConfig } from '@order-saga/shared/config';
import { createServiceApp, startServiceApp } from '@order-saga/shared/http';
import { consumerLag } from '@order-saga/shared/observability';
import type { Consumer } from 'kafkajs';
import { kafkaConsumerOptions } from './kafka-microservice';
import { MessagingConfig } from './messaging.config';

/**
 * Boots a service that serves HTTP and consumes Kafka (a Nest hybrid app). `inheritAppConfig` gives the
 * Kafka side the same global filters and pipes as the HTTP side. A failed boot exits non-zero.
 */
export function runKafkaService(module: Type<unknown>, service: string, configClass: Type<KafkaServiceConfig>): void {
  const boot = async () => {
    const app = await createServiceApp(module);
    const config = app.get(configClass);
    const messaging = app.get(MessagingConfig);
    const microservice = app.connectMicroservice(
      kafkaConsumerOptions(service, config.KAFKA_BROKERS, { concurrency: config.KAFKA_CONSUMER_CONCURRENCY, messaging }),
      { inheritAppConfig: true },
    );
    await startServiceApp(app, config.PORT);
    observeConsumerLag(microservice.unwrap<[unknown, Consumer]>()[1]);
  };
  boot().catch((error: Error) => {
    process.stderr.write(`${service} failed to start: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}

/**
 * The lag the consumer sees after each batch (high watermark minus the batch's last offset). Cheap:
 * no admin round trip per scrape. KEDA scales on the broker's own view of the group's lag.
 */
function observeConsumerLag(consumer: Consumer): void {
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    consumerLag.set({ topic: payload.topic, partition: String(payload.partition) }, Number(payload.offsetLag));
  });
}
