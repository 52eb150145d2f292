import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ServiceLifecycleModule } from '@order-saga/shared/observability';
import { Kafka, logLevel } from 'kafkajs';
import { DeadLetterQueue } from './dead-letter-queue';
import { KAFKA } from './kafka.tokens';
import { KafkaReadiness } from './kafka.readiness';
import { kafkaClientSecurity } from './kafka-security';
import { MessageProcessor } from './message-processor';
import { MessagingConfig, messagingConfigFrom } from './messaging.config';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';

/**
 * Outbox + relay + idempotent message processing for one service. `settings`: a subclass of MessagingConfig
 * when the service's defaults differ from the library's (a consumer off the saga's path may fetch lazily);
 * the environment still overrides each one.
 */
@Module({})
export class MessagingModule {
  static forRoot(service: string, settings: new () => MessagingConfig = MessagingConfig): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [ServiceLifecycleModule],
      providers: [
        {
          provide: KAFKA,
          inject: [ConfigService, MessagingConfig],
          useFactory: (config: ConfigService, messaging: MessagingConfig) =>
            new Kafka({
              clientId: `${service}-relay`,
              brokers: parseBrokers(config.getOrThrow('KAFKA_BROKERS')),
              logLevel: logLevel.WARN,
              ...kafkaClientSecurity(messaging),
            }),
        },
        { provide: MessagingConfig, inject: [ConfigService], useFactory: (config: ConfigService) => messagingConfigFrom(config, settings) },
        Outbox,
        OutboxRelay,
        MessageProcessor,
        DeadLetterQueue,
        KafkaReadiness,
      ],
      exports: [Outbox, MessageProcessor, DeadLetterQueue, KAFKA, MessagingConfig],
    };
  }
}

export function parseBrokers(list: string): string[] {
  return list
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
}
