import { LatencySummary, summarize } from './latency-stats';
import type { Completion } from './open-loop-driver';

/** What one POST /api/v1/orders got back. */
export interface PostAnswer {
  /** The HTTP status, or `network:<code>` for a connection that failed. */
  status: string;
  /** The gateway refused it at once because its in-flight limit was reached; order-service never saw it. */
  shed: boolean;
}

/**
 * The gateway answers 503 SERVICE_UNAVAILABLE in two cases (apps/gateway/src/upstream/upstream-service.proxy.ts):
 * shed by admission control, "The order service is at capacity" with Retry-After: 1, at once; or order-service
 * unreachable, timed out or answering non-JSON, "… is temporarily unavailable" with Retry-After: 5, after
 * the attempt. Only the message tells them apart for sure: Retry-After is a tuning value that may change.
 */
const SHED_MESSAGE = / is at capacity$/;

export function isShedAnswer(status: number, body: string): boolean {
  if (status !== 503) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null) return false;
  const { error_code: code, message } = parsed as { error_code?: unknown; message?: unknown };
  return code === 'SERVICE_UNAVAILABLE' && typeof message === 'string' && SHED_MESSAGE.test(message);
}

export interface StepAnswers {
  /** Status code (or network error) → count. */
  statuses: Record<string, number>;
  /** Answers other than the one the order's kind must get; shed answers are among them. */
  unexpected: number;
  /** 503s the gateway's admission control answered without calling order-service. */
  shed: number;
  /** Every answer, shed ones included: what the clients saw. */
  latencyMs: LatencySummary;
  /**
   * Every answer but the shed ones: the orders the gateway let through, i.e. the saga latency. Shed answers
   * take about a millisecond, so mixing them in pulls the percentiles down the more the gateway refuses.
   */
  admittedLatencyMs: LatencySummary;
}

export function tallyAnswers(completions: readonly Completion<PostAnswer>[], expectedStatusOf: (index: number) => string): StepAnswers {
  const statuses: Record<string, number> = {};
  let unexpected = 0;
  for (const { index, outcome } of completions) {
    statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
    if (outcome.status !== expectedStatusOf(index)) unexpected += 1;
  }
  const admitted = completions.filter((completion) => !completion.outcome.shed);
  return {
    statuses,
    unexpected,
    shed: completions.length - admitted.length,
    latencyMs: summarize(completions.map((completion) => completion.latencyMs)),
    admittedLatencyMs: summarize(admitted.map((completion) => completion.latencyMs)),
  };
}
