import { Injectable } from '@nestjs/common';
import { MessageEnvelope, MessageOrigin } from '@order-saga/contracts';
import { originOf } from '@order-saga/shared/messaging';
import { PinoLogger } from 'nestjs-pino';
import type { EntityManager } from 'typeorm';
import { afterCommit } from '@order-saga/shared/database';
import { DomainError } from '@order-saga/shared/http';
import { OrderServiceConfig } from '../../config/order-service.config';
import { deadlineEvent, decide, reserveStockItems, SagaDecision, SagaEvent, SagaTiming, startPlaceOrderSaga } from '../domain/place-order.saga';
import { OrderOutcomeWaiter } from './order-outcome.waiter';
import { PlaceOrderSagaMetrics } from './place-order-saga.metrics';
import { InsertOutcome, NewOrder, PlaceOrderSagaRepository, SagaMovedOnError, SagaRecord } from './place-order-saga.repository';

/**
 * Runs the PlaceOrder saga (orders/domain/place-order.saga.ts) inside the caller's transaction: the
 * reply's (see MessageProcessor), the timeout sweep's, or POST /orders'. Each step reads the saga,
 * lets decide() answer, and writes the answer with a compare-and-set on the saga's version, so two
 * messages of one saga never interleave: the later writer's step writes nothing, reads the saga again and
 * decides again, once in its transaction; losing a second time it fails with SagaMovedOnError, and its
 * transaction is retried.
 */
@Injectable()
export class PlaceOrderSagaHandler {
  constructor(
    private readonly repository: PlaceOrderSagaRepository,
    private readonly waiter: OrderOutcomeWaiter,
    private readonly config: OrderServiceConfig,
    private readonly logger: PinoLogger,
    private readonly metrics: PlaceOrderSagaMetrics,
  ) {}

  /** Inserts a pending order with its saga, which starts by reserving the stock; in `manager`'s transaction if it has one, else as one autocommit statement. */
  async start(manager: EntityManager, order: NewOrder, origin: MessageOrigin, now = new Date()): Promise<InsertOutcome> {
    const { saga, ...decision } = startPlaceOrderSaga(reserveStockItems(order.lines), this.timing(now));
    const outcome = await this.repository.insert(manager, order, saga, decision, origin, now);
    if (outcome === 'placed') afterCommit(manager, () => this.metrics.recordStarted());
    return outcome;
  }

  /** A participant's reply, in the transaction that records it in the inbox. */
  async onReply(manager: EntityManager, reply: MessageEnvelope, event: SagaEvent, now = new Date()): Promise<void> {
    await this.step(manager, reply.correlationId, event, reply, now);
  }

  /** The sweep found the saga's deadline passed (its row locked by the sweep's transaction). */
  async onDeadline(manager: EntityManager, orderId: string, now = new Date()): Promise<void> {
    await this.step(manager, orderId, null, null, now);
  }

  /**
   * An operator's action (sagas/operate-saga), in the caller's transaction: decided on the saga as the
   * database has it, written with the compare-and-set (SagaMovedOnError, having written nothing, when the
   * saga moved meanwhile: the caller retries its transaction). A state the action does not fit is a
   * DomainError and writes nothing. Null when the order has no saga.
   */
  async onOperatorAction(
    manager: EntityManager,
    orderId: string,
    event: Extract<SagaEvent, { type: 'StepRetryRequested' | 'CancelRequested' }>,
    origin: MessageOrigin,
    now = new Date(),
  ): Promise<{ before: SagaRecord; decision: SagaDecision; after: SagaRecord } | null> {
    const record = await this.repository.find(manager, orderId, true);
    if (!record) return null;
    const decision = decide(record.view, event, this.timing(now));
    if (decision.refused) throw new DomainError(decision.refused.code, decision.refused.message, [], { order_id: orderId });
    const after = await this.repository.apply(manager, record, decision, null, origin, now);
    this.logger.info({ order_id: orderId, action: event.type, operator_id: event.action.operatorId, state: record.view.state }, 'operator action on the saga');
    await this.settled(manager, record, decision, after, now);
    return { before: record, decision, after };
  }

  private async step(manager: EntityManager, orderId: string, event: SagaEvent | null, reply: MessageEnvelope | null, now: Date): Promise<void> {
    // The first read of a reply's step is usually this process's own copy of the saga; if the
    // compare-and-set finds it stale, nothing was written, and the step decides once more on the saga
    // as the database has it. A deadline's step always reads the database: on a stale copy (another
    // replica moved the saga on) decide() may answer "nothing to do" without a write to refuse it,
    // and the sweep would find the same passed deadline again and again.
    for (let fresh = reply === null; ; fresh = true) {
      const record = await this.repository.find(manager, orderId, fresh);
      if (!record) {
        this.logger.warn({ order_id: orderId, message_type: reply?.type }, 'event for an unknown saga ignored');
        return;
      }
      const decision = decide(record.view, event ?? deadlineEvent(record.view.state), this.timing(now));
      if (decision.ignored && decision.timeline.length === 0 && decision.saga.stepDeadlineAt === record.view.stepDeadlineAt) return;
      const origin: MessageOrigin = reply ? originOf(reply) : { correlationId: orderId, causationId: null, requestId: null, traceparent: null };
      let after: SagaRecord;
      try {
        after = await this.repository.apply(manager, record, decision, reply, origin, now);
      } catch (error) {
        if (error instanceof SagaMovedOnError && !fresh) continue;
        throw error;
      }
      if (decision.ignored) {
        if (reply) this.logger.warn({ order_id: orderId, message_type: reply.type, state: record.view.state }, 'reply does not fit the saga state; ignored');
      } else if (!reply) {
        this.logger.warn({ order_id: orderId, state: record.view.state, attempts: record.view.stepAttempts }, 'saga step timed out');
      }
      await this.settled(manager, record, decision, after, now);
      return;
    }
  }

  /** A step that settled the order wakes whoever waits for it; one that ended the saga counts its outcome. */
  private async settled(manager: EntityManager, record: SagaRecord, decision: SagaDecision, after: SagaRecord, now: Date): Promise<void> {
    if (decision.order && decision.order.status !== 'pending') {
      await this.waiter.settled(manager, after, now);
    }
    const { outcome } = decision;
    if (outcome) afterCommit(manager, () => this.metrics.recordOutcome(outcome, record.createdAt));
  }

  private timing(now: Date): SagaTiming {
    return { now, stepTimeoutMs: this.config.SAGA_STEP_TIMEOUT_MS, compensationRetryMs: this.config.SAGA_COMPENSATION_RETRY_MS };
  }
}
