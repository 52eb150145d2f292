import {
  MessageOrigin,
  RELEASE_STOCK,
  RESERVE_STOCK,
  ReserveStockLine,
  STOCK_RELEASED,
  STOCK_RESERVATION_REJECTED,
  STOCK_RESERVED,
  TOPICS,
} from '@order-saga/contracts';
import type { OutgoingMessage } from '@order-saga/shared/messaging';

/** The saga's only way to talk to inventory-service: its commands out (for the outbox), its replies in. */
export const InventoryProxy = {
  reserveStockReplyTopic: TOPICS.inventory.reserveStockReply,
  reserveStockReplies: [STOCK_RESERVED, STOCK_RESERVATION_REJECTED] as const,
  releaseStockReplyTopic: TOPICS.inventory.releaseStockReply,
  releaseStockReplies: [STOCK_RELEASED] as const,

  reserveStock(orderId: string, items: ReserveStockLine[], origin: MessageOrigin): OutgoingMessage {
    return { definition: RESERVE_STOCK, payload: { orderId, items }, origin };
  },

  releaseStock(orderId: string, reservationId: string, reason: string, origin: MessageOrigin): OutgoingMessage {
    return { definition: RELEASE_STOCK, payload: { orderId, reservationId, reason }, origin };
  },
};
