import { Module } from '@nestjs/common';
import { DeadLetterActionsHandler } from './dead-letter-actions.handler';
import { DeadLetterDepthMetrics } from './dead-letter-depth.metrics';
import { DeadLetterRepository } from './dead-letter.repository';
import { DeadLettersHttpController } from './dead-letters.http.controller';

/**
 * The operators' dead-letter routes of a Kafka service (GET /dead-letters, redrive, discard) and its
 * order_saga_dead_letter_depth gauge. Needs the service's database (with DeadLetterOperationsMigration) and
 * MessagingModule (the outbox a redrive appends to).
 */
@Module({
  controllers: [DeadLettersHttpController],
  providers: [DeadLetterRepository, DeadLetterActionsHandler, DeadLetterDepthMetrics],
})
export class DeadLettersModule {}
