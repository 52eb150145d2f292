import { createHash } from 'node:crypto';
import { ChargeRequest, ChargeResult, PaymentProvider } from './payment-provider';

/** Customer ids ending with this suffix always have their card declined. */
export const SANDBOX_DECLINING_CUSTOMER_SUFFIX = '-DECLINE';

/**
 * A deterministic stand-in for a card processor. Its decline rules, in order:
 * 1. a customer id ending in `-DECLINE` → `card_declined`;
 * 2. an amount above the configured per-charge limit → `insufficient_funds`;
 * everything else is approved with a reference derived from the order id (same order, same reference).
 */
export class SandboxPaymentProvider extends PaymentProvider {
  constructor(private readonly chargeLimitCents: number) {
    super();
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    if (request.customerId.toUpperCase().endsWith(SANDBOX_DECLINING_CUSTOMER_SUFFIX)) {
      return { approved: false, declineCode: 'card_declined', message: 'The card was declined' };
    }
    if (request.amountCents > this.chargeLimitCents) {
      return { approved: false, declineCode: 'insufficient_funds', message: 'The card has insufficient funds for this amount' };
    }
    return { approved: true, providerReference: `sbx_${createHash('sha256').update(request.orderId).digest('hex').slice(0, 24)}` };
  }
}
