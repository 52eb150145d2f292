import { RecordedRequest } from '@order-saga/shared/testing';
import { verifyWebhook } from '@order-saga/webhooks';
import { ReceivedWebhook } from './invariants';

/**
 * The recorder's requests read as order events, each request once however often the run asks. The
 * recorder answers webhooks on this process's event loop, so a check that re-read everything it recorded
 * blocks the very sends it waits for: rebuilding the whole set for every lifecycle event (as the run once
 * did) took seconds per poll, and sends to the recorder waited ~20 s or were reset meanwhile.
 */
export class ReceivedWebhooks {
  private readonly read: ReceivedWebhook[] = [];
  private readonly ids = new Set<string>();

  constructor(
    private readonly requests: readonly RecordedRequest[],
    private readonly secret: string,
  ) {}

  all(): readonly ReceivedWebhook[] {
    this.catchUp();
    return this.read;
  }

  eventIds(): ReadonlySet<string> {
    this.catchUp();
    return this.ids;
  }

  private catchUp(): void {
    for (let index = this.read.length; index < this.requests.length; index++) {
      const webhook = toReceivedWebhook(this.requests[index], this.secret);
      this.read.push(webhook);
      this.ids.add(webhook.eventId);
    }
  }
}

function toReceivedWebhook(request: RecordedRequest, secret: string): ReceivedWebhook {
  let event: { event_id?: string; event_type?: string; data?: { order_id?: string; status?: string; current_status?: string } };
  try {
    event = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return { eventId: '(unparseable)', eventType: '', orderId: '', signatureValid: false };
  }
  const status = event.event_type === 'order.cancelled' ? 'cancelled' : event.event_type === 'order.updated' ? event.data?.current_status : event.data?.status;
  return {
    eventId: event.event_id ?? '',
    eventType: event.event_type ?? '',
    orderId: event.data?.order_id ?? '',
    ...(status ? { status } : {}),
    // Checked against the time it arrived: the run's report is computed minutes later.
    signatureValid: verifyWebhook({ body: request.rawBody, headers: request.headers, secrets: secret, now: () => request.receivedAt }).valid,
  };
}
