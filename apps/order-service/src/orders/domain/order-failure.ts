import type { PriceMismatch, StockRejectionReason, StockShortage } from '@order-saga/contracts';
import { DomainError, ErrorCode, ErrorDetail } from '@order-saga/shared/http';

/**
 * Why an order failed, typed once: the saga builds it from the participant's reply, the order stores it
 * (`failure_code` = code, `failure_detail` = details) and the API's error is made from it. Every code is
 * one of the API's error codes.
 */
export type OrderFailure =
  | Failure<'INSUFFICIENT_INVENTORY', { reason: Exclude<StockRejectionReason, 'PRICE_MISMATCH'>; shortages: StockShortage[] }>
  /** A unit price the catalog does not confirm is the client's mistake (400), not a stock problem. */
  | Failure<'VALIDATION_ERROR', { reason: 'PRICE_MISMATCH'; priceMismatches: PriceMismatch[] }>
  | Failure<'PAYMENT_FAILED', { declineCode: string; message: string }>
  | Failure<'INVENTORY_TIMEOUT', { reason: 'inventory_timeout' }>
  | Failure<'PAYMENT_TIMEOUT', { reason: 'payment_timeout' }>
  /** An operator cancelled the order's saga (who and why are on the saga's timeline). */
  | Failure<'CANCELLED_BY_OPERATOR', { reason: 'operator_cancelled' }>
  /** A compensated saga whose reason names no other failure. */
  | Failure<'CONFLICT', { reason: string }>;

/** A failure's code must be one of the API's error codes: anything else does not compile. */
interface Failure<C extends ErrorCode, D> {
  code: C;
  details: D;
}

/** The order's two failure columns, as stored, read back as the one type. */
export function storedFailure(code: string | null, details: unknown): OrderFailure | null {
  return code === null ? null : ({ code, details: details ?? {} } as OrderFailure);
}

/** The order line a failure names: its index in the request and what it asked for. */
export interface FailedLine {
  lineNo: number;
  productId: string;
  requestedUnitPriceCents: number | null;
}

/** The API's error for an order that failed, naming the request's lines where the failure is about them. */
export function orderFailureError(orderId: string, failure: OrderFailure | null, lines: readonly FailedLine[]): DomainError {
  const extra = { order_id: orderId };
  const linesOf = (productId: string) => lines.filter((line) => line.productId === productId);
  switch (failure?.code) {
    case 'INSUFFICIENT_INVENTORY': {
      const { reason, shortages } = failure.details;
      const details: ErrorDetail[] = shortages.flatMap((shortage) =>
        linesOf(shortage.productId).map((line) => ({
          field: `items[${line.lineNo}].quantity`,
          error:
            reason === 'UNKNOWN_PRODUCT' ? `Product ${shortage.productId} does not exist` : `Only ${shortage.available} of ${shortage.productId} available`,
        })),
      );
      return new DomainError('INSUFFICIENT_INVENTORY', 'Not enough stock to fulfil the order; nothing was reserved', details, extra);
    }
    case 'VALIDATION_ERROR': {
      const details: ErrorDetail[] = failure.details.priceMismatches.flatMap((mismatch) =>
        linesOf(mismatch.productId)
          .filter((line) => line.requestedUnitPriceCents !== mismatch.catalogUnitPriceCents)
          .map((line) => ({
            field: `items[${line.lineNo}].unit_price`,
            error: `Catalog price of ${mismatch.productId} is ${formatCents(mismatch.catalogUnitPriceCents)}, not ${formatCents(line.requestedUnitPriceCents ?? 0)}`,
          })),
      );
      return new DomainError('VALIDATION_ERROR', 'Unit prices must match the catalog; nothing was reserved', details, extra);
    }
    case 'PAYMENT_FAILED': {
      const { declineCode, message } = failure.details;
      return new DomainError('PAYMENT_FAILED', `Payment was declined${message ? `: ${message}` : ''}; the stock reservation was released`, [], {
        ...extra,
        decline_code: declineCode,
      });
    }
    case 'INVENTORY_TIMEOUT':
      return new DomainError('INVENTORY_TIMEOUT', 'Inventory did not answer in time; the order was cancelled and nothing stays reserved', [], extra);
    case 'PAYMENT_TIMEOUT':
      return new DomainError(
        'PAYMENT_TIMEOUT',
        'Payment did not answer in time; the order was cancelled, any charge refunded and the stock released',
        [],
        extra,
      );
    case 'CANCELLED_BY_OPERATOR':
      return new DomainError('CANCELLED_BY_OPERATOR', 'An operator cancelled the order; any charge was refunded and any reserved stock released', [], extra);
    default:
      return new DomainError('CONFLICT', `Order ${orderId} was cancelled`, [], extra);
  }
}

function formatCents(cents: number): string {
  return (cents / 100).toFixed(2);
}
