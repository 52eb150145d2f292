import { Injectable } from '@nestjs/common';
import {
  CONFIRM_RESERVATION,
  MessageEnvelope,
  MessageOrigin,
  RELEASE_STOCK,
  RESERVE_STOCK,
  ReserveStockLine,
  STOCK_RELEASED,
  STOCK_RESERVATION_REJECTED,
  STOCK_RESERVED,
  TOPICS,
} from '@order-saga/contracts';
import { Outbox } from '@order-saga/shared/messaging';
import type { EntityManager } from 'typeorm';

/** The saga's only way to talk to inventory-service: its commands out, its replies in. */
@Injectable()
export class InventoryProxy {
  static readonly reserveStockReplyTopic = TOPICS.inventory.reserveStockReply;
  static readonly reserveStockReplies = [STOCK_RESERVED, STOCK_RESERVATION_REJECTED] as const;
  static readonly releaseStockReplyTopic = TOPICS.inventory.releaseStockReply;
  static readonly releaseStockReplies = [STOCK_RELEASED] as const;

  constructor(private readonly outbox: Outbox) {}

  reserveStock(manager: EntityManager, orderId: string, items: ReserveStockLine[], origin: MessageOrigin): Promise<MessageEnvelope> {
    return this.outbox.append(manager, RESERVE_STOCK, { orderId, items }, origin);
  }

  releaseStock(manager: EntityManager, orderId: string, reservationId: string, reason: string, origin: MessageOrigin): Promise<MessageEnvelope> {
    return this.outbox.append(manager, RELEASE_STOCK, { orderId, reservationId, reason }, origin);
  }

  /** The order is paid: the reservation must not expire (inventory sweeps unconfirmed ones). */
  confirmReservation(manager: EntityManager, orderId: string, reservationId: string, origin: MessageOrigin): Promise<MessageEnvelope> {
    return this.outbox.append(manager, CONFIRM_RESERVATION, { orderId, reservationId }, origin);
  }
}
