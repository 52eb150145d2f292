/**
 * kafkajs 2.2.4, its latest release, re-arms a timer in every broker connection's request queue even
 * when no request is waiting: `RequestQueue.scheduleCheckPendingRequests` computes a negative delay
 * from `throttledUntil` (-1 unless the broker throttles), so the timer fires at once, checks an empty
 * queue and arms itself again. Each connection of every producer, consumer and admin client spins on
 * that timer for as long as it is open (kafkajs issues #1556, #1604 and #1704; the fixes proposed in
 * pull requests #1667 and #1703 were never released). In our services it showed as kafkajs' largest
 * cost in CPU profiles of idle and lightly loaded services (docs/performance.md).
 *
 * This replaces that one method with what those pull requests do: arm the timer only while requests
 * wait in the queue (client-side throttling, or too many requests in flight), for the end of the
 * throttle or kafkajs' own 10 ms re-check interval. Nothing else of kafkajs changes; a waiting request
 * is still re-checked on every response (`fulfillRequest`) and on every request timeout, as before.
 *
 * Applied explicitly, once at start-up, by whatever opens kafkajs connections for long: the services
 * (runKafkaService) and the dlq:redrive tool call applyKafkajsIdleTimerFix() before they make a client.
 * Importing this module changes nothing. Only the kafkajs version it was written against is patched: for
 * any other version it does nothing and says so on stderr.
 */
import { createRequire } from 'node:module';

export const PATCHED_KAFKAJS_VERSION = '2.2.4';
/** kafkajs' CHECK_PENDING_REQUESTS_INTERVAL (not exported). */
const RECHECK_INTERVAL_MS = 10;

interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** Arms the re-check timer only while something is pending; see the module comment. */
export function scheduleCheckPendingRequests(this: RequestQueueInternals): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const untilUnthrottled = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    untilUnthrottled > 0 ? untilUnthrottled : RECHECK_INTERVAL_MS,
  );
}

export type KafkajsIdleTimerFix = 'applied' | 'already applied' | 'skipped';

export function applyKafkajsIdleTimerFix(): KafkajsIdleTimerFix {
  const require = createRequire(__filename);
  const { version } = require('kafkajs/package.json') as { version: string };
  if (version !== PATCHED_KAFKAJS_VERSION) {
    process.stderr.write(
      `kafkajs ${version} is not ${PATCHED_KAFKAJS_VERSION}: its idle request-queue timer is left as it is; check whether it still needs libs/shared/messaging/src/kafkajs-idle-timer.fix.ts\n`,
    );
    return 'skipped';
  }
  const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueueInternals };
  if (RequestQueue.prototype.scheduleCheckPendingRequests === scheduleCheckPendingRequests) return 'already applied';
  RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  return 'applied';
}
