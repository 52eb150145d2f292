import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Readable } from 'node:stream';
import { WEBHOOK_TEST_EVENT_TYPE } from '@order-saga/contracts';
import { signWebhook } from '@order-saga/webhooks';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { Clock } from '../../domain/clock';
import { AttemptOutcome, decideAfterAttempt, parseRetryAfter, parseRetrySchedule, scheduleOf } from '../../domain/retry-schedule';
import { WebhookDeliveryMetrics } from '../webhook-delivery.metrics';
import { AttemptResult, AttemptToRecord, ClaimedDelivery, RecordedAttempt, WebhookDeliveryRepository } from '../webhook-delivery.repository';
import { WebhookSender } from './webhook-sender';

export const USER_AGENT = 'order-saga-webhooks/1.0';
const RESPONSE_EXCERPT_BYTES = 1024;
const ERROR_CHARS = 1000;
/** Most attempts recorded in one statement. */
const MAX_RECORDED_TOGETHER = 256;

interface QueuedAttempt extends AttemptToRecord {
  settle(result: PromiseSettledResult<RecordedAttempt>): void;
}

/**
 * One attempt at one claimed delivery: sign, POST, record the outcome and schedule what comes next. Sends
 * that finish while a recording is under way are recorded together in the next one (one statement for
 * all that stay live), so under load the attempts cost a round trip per batch, not a transaction each.
 */
@Injectable()
export class DeliverWebhooksHandler {
  private readonly schedule: number[];
  private readonly queued: QueuedAttempt[] = [];
  private recording: Promise<void> | undefined;

  constructor(
    private readonly repository: WebhookDeliveryRepository,
    private readonly sender: WebhookSender,
    private readonly metrics: WebhookDeliveryMetrics,
    private readonly clock: Clock,
    private readonly config: NotificationServiceConfig,
    @InjectPinoLogger(DeliverWebhooksHandler.name) private readonly logger: PinoLogger,
  ) {
    this.schedule = parseRetrySchedule(config.WEBHOOK_RETRY_SCHEDULE_SECONDS);
  }

  async deliver(delivery: ClaimedDelivery): Promise<RecordedAttempt> {
    const attemptedAt = this.clock.now();
    const { outcome, ...attempt } = await this.post(delivery, attemptedAt);
    // Measured from the end of this attempt, so a slow receiver does not eat into its own back-off.
    const schedule = scheduleOf(delivery.eventType, this.schedule);
    const recorded = await this.record({
      delivery,
      attempt,
      decide: (attemptsMade) => decideAfterAttempt(schedule, attemptsMade, outcome, this.clock.now()),
    });
    // An operator's test event is not a delivery of the platform's: webhook_deliveries_total and its alert leave it out.
    if (delivery.eventType !== WEBHOOK_TEST_EVENT_TYPE) this.count(recorded);
    this.logOutcome(delivery, attempt, recorded);
    return recorded;
  }

  private record(attempt: AttemptToRecord): Promise<RecordedAttempt> {
    return new Promise((resolve, reject) => {
      this.queued.push({ ...attempt, settle: (result) => (result.status === 'fulfilled' ? resolve(result.value) : reject(result.reason)) });
      this.recordQueued();
    });
  }

  /** One recording at a time; what is queued meanwhile goes in the next. */
  private recordQueued(): void {
    if (this.recording || this.queued.length === 0) return;
    this.recording = (async () => {
      while (this.queued.length > 0) {
        const taken = this.queued.splice(0, MAX_RECORDED_TOGETHER);
        const results = await this.repository
          .recordAttempts(taken)
          .catch((error: unknown) => taken.map((): PromiseSettledResult<RecordedAttempt> => ({ status: 'rejected', reason: error })));
        taken.forEach((entry, index) => entry.settle(results[index]));
      }
    })().finally(() => {
      this.recording = undefined;
      this.recordQueued();
    });
  }

  private async post(delivery: ClaimedDelivery, attemptedAt: Date): Promise<AttemptResult & { outcome: AttemptOutcome }> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': USER_AGENT,
      // Signed per attempt: the timestamp is when this attempt was made, so a receiver's replay window works on retries too.
      ...signWebhook({
        secrets: delivery.secrets,
        eventId: delivery.eventId,
        eventType: delivery.eventType,
        timestampSeconds: Math.floor(attemptedAt.getTime() / 1000),
        body: delivery.body,
      }),
    };
    try {
      const response = await this.sender.post({ url: delivery.url, body: delivery.body, headers, timeoutMs: this.config.WEBHOOK_TIMEOUT_MS });
      const durationMs = elapsed();
      const responseExcerpt = await readExcerpt(response.body).catch(() => null);
      const status = response.statusCode;
      const outcome: AttemptOutcome = {
        succeeded: status >= 200 && status < 300,
        gone: status === 410,
        retryAfterSeconds: status === 429 || status === 503 ? parseRetryAfter(firstOf(response.headers['retry-after']), this.clock.now()) : null,
      };
      this.metrics.recordAttempt(outcome.succeeded ? 'success' : 'failure', durationMs);
      return { outcome, attemptedAt, statusCode: status, durationMs, error: null, responseExcerpt };
    } catch (error) {
      const durationMs = elapsed();
      this.metrics.recordAttempt((error as { name?: unknown } | null)?.name === 'TimeoutError' ? 'timeout' : 'failure', durationMs);
      return { outcome: { succeeded: false }, attemptedAt, statusCode: null, durationMs, error: this.describe(error), responseExcerpt: null };
    }
  }

  private count({ decision, applied }: RecordedAttempt): void {
    if (!applied) return;
    if (decision.status === 'succeeded') this.metrics.recordDelivered();
    else if (decision.status === 'failed') this.metrics.recordFailedDelivery(decision.reason === 'gone');
  }

  // Duck-typed: a timeout is the abort signal's DOMException, and a network error may carry its cause.
  private describe(error: unknown): string {
    const { name, message, cause } = (error ?? {}) as { name?: unknown; message?: unknown; cause?: { message?: unknown; code?: unknown } };
    if (name === 'TimeoutError') return `no response within ${this.config.WEBHOOK_TIMEOUT_MS} ms`;
    const reason = cause?.message ?? cause?.code;
    const text = typeof message === 'string' ? message : String(error);
    return (reason ? `${text}: ${String(reason)}` : text).slice(0, ERROR_CHARS);
  }

  private logOutcome(delivery: ClaimedDelivery, attempt: AttemptResult, { attemptNumber, decision }: RecordedAttempt): void {
    const fields = {
      delivery_id: delivery.deliveryId,
      endpoint_id: delivery.endpointId,
      event_id: delivery.eventId,
      event_type: delivery.eventType,
      order_id: delivery.orderId,
      attempt: attemptNumber,
      status_code: attempt.statusCode,
      duration_ms: attempt.durationMs,
      error: attempt.error,
    };
    switch (decision.status) {
      case 'succeeded':
        this.logger.info(fields, 'webhook delivered');
        return;
      case 'pending':
        this.logger.warn({ ...fields, next_attempt_at: decision.nextAttemptAt.toISOString() }, 'webhook attempt failed; will retry');
        return;
      case 'failed':
        if (delivery.eventType === WEBHOOK_TEST_EVENT_TYPE) {
          this.logger.warn(fields, `test webhook not taken by its endpoint${decision.reason === 'gone' ? ' (410 Gone: endpoint disabled)' : ''}`);
          return;
        }
        // The spec's "event logged, alert sent": alerting keys on this error line and on WebhookDeliveryFailed.
        if (decision.reason === 'gone') this.logger.error(fields, 'webhook endpoint answered 410 Gone; delivery failed and endpoint disabled');
        else this.logger.error(fields, 'webhook delivery failed after its last scheduled attempt');
        return;
    }
  }
}

/** At most 1 KiB of the body as text: reads no further than that, and never splits a character. */
async function readExcerpt(body: Readable): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size >= RESPONSE_EXCERPT_BYTES) break;
    }
  } finally {
    // A body read to its end leaves the connection to the pool; one cut short closes it.
    body.destroy();
  }
  // Postgres text cannot hold NUL, and invalid bytes decode to 3-byte U+FFFD, so bound the re-encoded text.
  const text = new TextDecoder().decode(Buffer.concat(chunks)).replaceAll('\u0000', '');
  const bounded = new TextDecoder().decode(Buffer.from(text, 'utf8').subarray(0, RESPONSE_EXCERPT_BYTES), { stream: true });
  return bounded.length > 0 ? bounded : null;
}

function firstOf(header: string | string[] | undefined): string | null {
  return (Array.isArray(header) ? header[0] : header) ?? null;
}
