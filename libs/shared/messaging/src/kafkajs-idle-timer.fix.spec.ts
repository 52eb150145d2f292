import { createRequire } from 'node:module';
import { applyKafkajsIdleTimerFix, scheduleCheckPendingRequests } from './kafkajs-idle-timer.fix';

interface RequestQueue {
  pending: unknown[];
  inflight: Map<number, unknown>;
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
  push(request: {
    entry: { correlationId: number; apiKey: number; apiName: string; apiVersion: number };
    expectResponse: boolean;
    sendRequest: () => void;
  }): void;
}

const RequestQueueClass = createRequire(__filename)('kafkajs/src/network/requestQueue') as { prototype: RequestQueue } & (new (
  options: object,
) => RequestQueue);
const silentLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function queue(maxInFlightRequests: number): RequestQueue {
  return new RequestQueueClass({
    maxInFlightRequests,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'spec',
    broker: 'localhost:9092',
    logger: silentLogger,
  });
}

function request(correlationId: number, sent: number[]) {
  return { entry: { correlationId, apiKey: 0, apiName: 'Produce', apiVersion: 3 }, expectResponse: true, sendRequest: () => sent.push(correlationId) };
}

describe('applying the kafkajs idle request-queue timer fix', () => {
  it('patches nothing on import, and patches the kafkajs version it was written for once when asked', () => {
    expect(RequestQueueClass.prototype.scheduleCheckPendingRequests).not.toBe(scheduleCheckPendingRequests);

    expect(applyKafkajsIdleTimerFix()).toBe('applied');
    expect(RequestQueueClass.prototype.scheduleCheckPendingRequests).toBe(scheduleCheckPendingRequests);
    expect(applyKafkajsIdleTimerFix()).toBe('already applied');
  });
});

describe('the kafkajs idle request-queue timer fix', () => {
  beforeAll(() => applyKafkajsIdleTimerFix());
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('arms no timer while nothing waits: an idle connection no longer spins', () => {
    const idle = queue(1);
    idle.checkPendingRequests(); // what every response does (fulfillRequest)
    expect(idle.throttleCheckTimeoutId).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('still re-checks a request that waits behind a throttle, and sends it once the throttle ends', () => {
    const throttled = queue(10);
    const sent: number[] = [];
    throttled.throttledUntil = Date.now() + 250;
    throttled.push(request(1, sent));
    expect(sent).toEqual([]);
    expect(jest.getTimerCount()).toBe(1);

    jest.advanceTimersByTime(249);
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual([1]);
    expect(jest.getTimerCount()).toBe(0); // nothing waits any more: no timer left behind
  });

  it('still sends a request that waited for a free in-flight slot', () => {
    const busy = queue(1);
    const sent: number[] = [];
    busy.push(request(1, sent));
    busy.push(request(2, sent));
    expect(sent).toEqual([1]);

    busy.inflight.delete(1);
    jest.advanceTimersByTime(10); // kafkajs' re-check interval
    expect(sent).toEqual([1, 2]);
  });
});
