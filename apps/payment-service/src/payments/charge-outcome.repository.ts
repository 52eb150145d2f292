import { Injectable } from '@nestjs/common';
import { DeferredStatement, planEachTime } from '@order-saga/shared/database';
import { EntityManager } from 'typeorm';
import { PaymentStatus } from './payment.entity';

/** What the card processor answered for a claimed (`pending`) payment. */
export interface ChargeOutcome {
  paymentId: string;
  orderId: string;
  status: Extract<PaymentStatus, 'succeeded' | 'declined'>;
  providerReference: string | null;
  declineCode: string | null;
  declineMessage: string | null;
}

const RECORD = planEachTime(`
  UPDATE payment
     SET status = outcome.status, provider_reference = outcome.provider_reference, decline_code = outcome.decline_code, decline_message = outcome.decline_message
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) AS outcome (payment_id, status, provider_reference, decline_code, decline_message)
   WHERE payment.payment_id = outcome.payment_id`);

/**
 * Charge outcomes of a transaction (a consumer batch), written to their `pending` payments in one
 * statement just before it commits: a batch of N ProcessPayments costs N claims and one update. Only
 * a statement about the same order can read a pending row of this transaction (a re-sent ProcessPayment
 * or a RefundPayment later in the batch), so those apply the order's outcome first (`applyQueuedFor`).
 */
@Injectable()
export class ChargeOutcomeRepository {
  private readonly recordAll = new DeferredStatement<ChargeOutcome>((manager, outcomes) => this.write(manager, outcomes));

  record(manager: EntityManager, outcome: ChargeOutcome): Promise<void> {
    return this.recordAll.add(manager, outcome);
  }

  /** Writes the queued outcomes now if one of them is `orderId`'s, so the caller's statement reads it. */
  async applyQueuedFor(manager: EntityManager, orderId: string): Promise<void> {
    if (this.recordAll.queued(manager).some((outcome) => outcome.orderId === orderId)) await this.recordAll.flush(manager);
  }

  private async write(manager: EntityManager, outcomes: ChargeOutcome[]): Promise<void> {
    await manager.query(RECORD, [
      outcomes.map((outcome) => outcome.paymentId),
      outcomes.map((outcome) => outcome.status),
      outcomes.map((outcome) => outcome.providerReference),
      outcomes.map((outcome) => outcome.declineCode),
      outcomes.map((outcome) => outcome.declineMessage),
    ]);
  }
}
