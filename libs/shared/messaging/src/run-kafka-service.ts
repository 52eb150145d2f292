import { Type } from '@nestjs/common';
import { KafkaServiceConfig } from '@order-saga/shared/config';
import { createServiceApp, startServiceApp } from '@order-saga/shared/http';
import { kafkaConsumerOptions } from './kafka-microservice';

/**
 * Boots a service that serves HTTP and consumes Kafka (a Nest hybrid app). `inheritAppConfig` gives the
 * Kafka side the same global filters and pipes as the HTTP side. A failed boot exits non-zero.
 */
export function runKafkaService(module: Type<unknown>, service: string, configClass: Type<KafkaServiceConfig>): void {
  const boot = async () => {
    const app = await createServiceApp(module);
    const config = app.get(configClass);
    app.connectMicroservice(kafkaConsumerOptions(service, config.KAFKA_BROKERS), { inheritAppConfig: true });
    await startServiceApp(app, config.PORT);
  };
  boot().catch((error: Error) => {
    process.stderr.write(`${service} failed to start: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}
