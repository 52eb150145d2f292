import { RecordedRequest } from '@order-saga/shared/testing';
import { signWebhook } from '@order-saga/webhooks';
import { ReceivedWebhooks } from './received-webhooks';

const SECRET = 'chaos-secret';

function recorded(eventId: string, orderId: string, secret = SECRET): RecordedRequest {
  const rawBody = Buffer.from(JSON.stringify({ event_id: eventId, event_type: 'order.created', data: { order_id: orderId, status: 'confirmed' } }));
  const receivedAt = new Date();
  const signed = signWebhook({
    secrets: [secret],
    eventId,
    eventType: 'order.created',
    timestampSeconds: Math.floor(receivedAt.getTime() / 1000),
    body: rawBody,
  });
  const headers = Object.fromEntries(Object.entries(signed).map(([name, value]) => [name.toLowerCase(), value]));
  return { method: 'POST', path: '/webhooks', headers, rawBody, receivedAt };
}

/** Counts how often each body is decoded: the run's polls must not re-read what they read before. */
function countingReads(requests: RecordedRequest[]): { reads: () => number } {
  let reads = 0;
  for (const request of requests) {
    const toString = request.rawBody.toString.bind(request.rawBody);
    request.rawBody.toString = ((...args: Parameters<Buffer['toString']>) => {
      reads += 1;
      return toString(...args);
    }) as Buffer['toString'];
  }
  return { reads: () => reads };
}

describe('ReceivedWebhooks', () => {
  it('reads each recorded request once however often the run asks, and finds what arrived since at the next ask', () => {
    const requests = Array.from({ length: 50 }, (_, index) => recorded(`e${index}`, `o${index}`));
    const counter = countingReads(requests);
    const received = new ReceivedWebhooks(requests, SECRET);

    // The run's poll: is every lifecycle event in? Asked once per event, as a careless every() would.
    for (let index = 0; index < 50; index++) expect(received.eventIds().has(`e${index}`)).toBe(true);
    expect(counter.reads()).toBe(50);

    requests.push(recorded('late', 'o-late'));
    expect(received.eventIds().has('late')).toBe(true);
    expect(received.all()).toHaveLength(51);
  });

  it('reads the order, the announced status and whether the signature holds', () => {
    const received = new ReceivedWebhooks(
      [recorded('e1', 'o1'), recorded('e2', 'o2', 'another-secret'), { ...recorded('e3', 'o3'), rawBody: Buffer.from('not json') }],
      SECRET,
    );

    expect(received.all()).toEqual([
      { eventId: 'e1', eventType: 'order.created', orderId: 'o1', status: 'confirmed', signatureValid: true },
      { eventId: 'e2', eventType: 'order.created', orderId: 'o2', status: 'confirmed', signatureValid: false },
      { eventId: '(unparseable)', eventType: '', orderId: '', signatureValid: false },
    ]);
  });
});
