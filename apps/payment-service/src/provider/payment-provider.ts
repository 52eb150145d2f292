export interface ChargeRequest {
  orderId: string;
  customerId: string;
  amountCents: number;
  currency: string;
}

export type ChargeResult = { approved: true; providerReference: string } | { approved: false; declineCode: string; message: string };

/** The port to a card processor. Production wires a real one; everything else uses the sandbox. */
export abstract class PaymentProvider {
  /**
   * Must be idempotent per `orderId`: an implementation passes it as the processor's idempotency key, so
   * a second call for one order returns the first outcome and charges nothing more. ProcessPayment calls
   * this inside its transaction, before the payment row commits; a crash (or a lost partition) in between
   * means the command runs again and calls this again. The sandbox's outcome is a function of the request,
   * so it behaves that way already.
   */
  abstract charge(request: ChargeRequest): Promise<ChargeResult>;
}
