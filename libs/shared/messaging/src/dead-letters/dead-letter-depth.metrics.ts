import { Injectable } from '@nestjs/common';
import { gaugeReadAtScrape } from '@order-saga/shared/observability';
import { DeadLetterRepository } from './dead-letter.repository';

/** order_saga_dead_letter_depth: the service's dead letters waiting for an operator, counted at scrape (the same on every replica). */
@Injectable()
export class DeadLetterDepthMetrics {
  constructor(deadLetters: DeadLetterRepository) {
    gaugeReadAtScrape('order_saga_dead_letter_depth', 'Dead letters parked and not yet redriven or discarded', () => deadLetters.countParked());
  }
}
