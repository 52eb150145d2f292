import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ServiceLifecycle } from '@order-saga/shared/observability';
import type { Admin, Kafka } from 'kafkajs';
import { KAFKA } from './kafka.tokens';
import { explainKafkaError } from './kafka-security';
import { MessagingConfig } from './messaging.config';

/**
 * Readiness depends on the broker: without it commands are not consumed and the outbox does not
 * drain. The check asks the cluster for its brokers over a kept admin connection; after a failure
 * the connection is dropped and the next probe connects afresh, so a restarted broker is seen as
 * soon as it answers again.
 */
@Injectable()
export class KafkaReadiness implements OnModuleInit, OnApplicationShutdown {
  private admin: Admin | undefined;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly lifecycle: ServiceLifecycle,
    private readonly config: MessagingConfig,
  ) {}

  onModuleInit(): void {
    this.lifecycle.addReadinessCheck({ name: 'kafka', critical: true, check: () => this.check() });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.drop();
  }

  private async check(): Promise<void> {
    try {
      if (!this.admin) {
        // No retries: the probe has its own deadline and runs again soon.
        this.admin = this.kafka.admin({ retry: { retries: 0 } });
        await this.admin.connect();
      }
      const { brokers } = await this.admin.describeCluster();
      if (brokers.length === 0) throw new Error('the cluster lists no brokers');
    } catch (error) {
      await this.drop();
      // A refused password or certificate reads as the setting to fix, not as kafkajs' connection error.
      throw explainKafkaError(error, this.config) ?? error;
    }
  }

  private async drop(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}
