import { MessagingRetentionMigration } from '@order-saga/shared/messaging';

/** Indexes by age for the outbox/inbox retention sweep (MESSAGING_RETENTION_MS); the statements are the messaging library's. */
export class MessagingRetention1764200000000 extends MessagingRetentionMigration {}
