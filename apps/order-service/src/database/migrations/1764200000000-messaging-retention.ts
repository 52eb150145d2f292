import { createMessagingRetentionIndexes, dropMessagingRetentionIndexes } from '@order-saga/shared/messaging';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** Indexes by age for the outbox/inbox retention sweep (MESSAGING_RETENTION_MS). */
export class MessagingRetention1764200000000 implements MigrationInterface {
  name = 'MessagingRetention1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await createMessagingRetentionIndexes(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropMessagingRetentionIndexes(runner);
  }
}
