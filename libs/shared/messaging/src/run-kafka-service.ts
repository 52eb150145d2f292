import { INestApplication, Type } from '@nestjs/common';
import { KafkaServiceConfig } from '@order-saga/shared/config';
import { createServiceApp, startServiceApp } from '@order-saga/shared/http';
import { consumerLag } from '@order-saga/shared/observability';
import type { Consumer } from 'kafkajs';
import { Logger } from 'nestjs-pino';
import { kafkaConsumerOptions } from './kafka-microservice';
import { checkKafkaAccess, describeKafkaSecurity, explainKafkaError, kafkaClientSecurity, kafkaSecurityConfigured } from './kafka-security';
import { applyKafkajsIdleTimerFix } from './kafkajs-idle-timer.fix';
import { KafkaSecurityConfig, MessagingConfig } from './messaging.config';
import { parseBrokers } from './messaging.module';

/**
 * Boots a service that serves HTTP and consumes Kafka (a Nest hybrid app). `inheritAppConfig` gives the
 * Kafka side the same global filters and pipes as the HTTP side. A failed boot exits non-zero; when the
 * broker refused the connection for a reason a setting explains (SASL credentials, an untrusted
 * certificate), the message names that setting instead of showing kafkajs' stack. The kafkajs idle-timer
 * fix is applied first, before any client exists (see kafkajs-idle-timer.fix.ts).
 */
export function runKafkaService(module: Type<unknown>, service: string, configClass: Type<KafkaServiceConfig>): void {
  applyKafkajsIdleTimerFix();
  let security: KafkaSecurityConfig | undefined;
  const boot = async () => {
    const app = await createServiceApp(module);
    const config = app.get(configClass);
    const messaging = app.get(MessagingConfig);
    security = messaging;
    await checkKafkaAtBoot(app, service, config.KAFKA_BROKERS, messaging);
    const microservice = app.connectMicroservice(
      kafkaConsumerOptions(service, config.KAFKA_BROKERS, {
        concurrency: config.KAFKA_CONSUMER_CONCURRENCY,
        messaging,
        security: kafkaClientSecurity(messaging),
      }),
      { inheritAppConfig: true },
    );
    await startServiceApp(app, config.PORT);
    observeConsumerLag(microservice.unwrap<[unknown, Consumer]>()[1]);
  };
  boot().catch((error: Error) => {
    const explained = security && explainKafkaError(error, security);
    process.stderr.write(`${service} failed to start: ${explained ? explained.message : (error.stack ?? error.message)}\n`);
    process.exit(1);
  });
}

/**
 * With TLS or SASL configured, one connection before anything else (migrations, the relay, the consumer),
 * so a wrong password or an untrusted certificate stops the boot at once, not after each client's retries.
 * An unreachable broker is only logged: the clients wait for it as they always did. Plaintext: no check.
 */
async function checkKafkaAtBoot(app: INestApplication, service: string, brokers: string, messaging: MessagingConfig): Promise<void> {
  if (!kafkaSecurityConfigured(messaging)) return;
  const logger = app.get(Logger);
  const unreachable = await checkKafkaAccess(`${service}-boot-check`, parseBrokers(brokers), messaging);
  if (unreachable) logger.warn(`Kafka did not answer the boot check (${describeKafkaSecurity(messaging)}): ${unreachable.message}`, 'Kafka');
  else logger.log(`Kafka let this service in: ${describeKafkaSecurity(messaging)}`, 'Kafka');
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
