export interface ChargeRequest {
  orderId: string;
  customerId: string;
  amountCents: number;
  currency: string;
}

export type ChargeResult = { approved: true; providerReference: string } | { approved: false; declineCode: string; message: string };

/** The port to a card processor. Production wires a real one; everything else uses the sandbox. */
export abstract class PaymentProvider {
  abstract charge(request: ChargeRequest): Promise<ChargeResult>;
}
