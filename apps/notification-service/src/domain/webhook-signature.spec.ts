import { createHmac, timingSafeEqual } from 'node:crypto';
import { standardWebhookSignature } from '@order-saga/contracts';
import { generateWebhookSecret, signatureHeaders, signWebhookBody } from './webhook-signature';

describe('signWebhookBody', () => {
  it('matches the RFC 4231 HMAC-SHA256 test vector (case 2), with the sha256= prefix', () => {
    expect(signWebhookBody('Jefe', 'what do ya want for nothing?')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  // Expected value produced by the spec's Python verify_webhook recipe (hmac.new(secret.encode(), payload, sha256)).
  const secret = 'whsec_3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
  const body =
    '{"event_id":"7c9e6679-7425-40de-944b-e07fc1f90ae7","event_type":"order.created","timestamp":"2025-01-15T10:00:00.000Z",' +
    '"data":{"object_type":"order","object_id":"ord_1","note":"café ☕"}}';
  const pythonSignature = 'sha256=89a16d77a516ec7f1b7564ba1445c816de417b3759170484adcab332e071fbf8';

  it("equals what the spec's Python verification computes over the UTF-8 body bytes", () => {
    expect(signWebhookBody(secret, body)).toBe(pythonSignature);
  });

  it('signs the string and its UTF-8 bytes identically, as a receiver reading raw bytes sees them', () => {
    const bytes = Buffer.from(body, 'utf8');
    const direct = createHmac('sha256', secret).update(bytes).digest();
    const signature = signWebhookBody(secret, body);

    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signWebhookBody(secret, bytes)).toBe(signature);
    expect(timingSafeEqual(Buffer.from(signature.slice('sha256='.length), 'hex'), direct)).toBe(true);
  });

  it('changes when a single byte of the body changes', () => {
    expect(signWebhookBody(secret, body.replace('ord_1', 'ord_2'))).not.toBe(pythonSignature);
  });
});

describe('generateWebhookSecret', () => {
  it('is whsec_ followed by 32 random bytes in standard base64, as Standard Webhooks libraries expect', () => {
    const secret = generateWebhookSecret();

    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });
});

describe('signatureHeaders', () => {
  const input = { eventId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', eventType: 'order.created' as const, timestampSeconds: 1736935200, body: '{"a":1}' };
  const newest = generateWebhookSecret();
  const previous = generateWebhookSecret();

  it('signs with one secret in both styles and names the event and the time', () => {
    expect(signatureHeaders({ ...input, secrets: [newest] })).toEqual({
      'X-Webhook-Id': input.eventId,
      'X-Webhook-Event': 'order.created',
      'X-Webhook-Timestamp': '1736935200',
      'X-Webhook-Signature': signWebhookBody(newest, input.body),
      'webhook-id': input.eventId,
      'webhook-timestamp': '1736935200',
      'webhook-signature': standardWebhookSignature(newest, input.eventId, 1736935200, input.body),
    });
  });

  it('during a rotation, sends the previous secret as well: its own spec-style header and a second Standard Webhooks entry', () => {
    const headers = signatureHeaders({ ...input, secrets: [newest, previous] });

    expect(headers['X-Webhook-Signature']).toBe(signWebhookBody(newest, input.body));
    expect(headers['X-Webhook-Signature-Previous']).toBe(signWebhookBody(previous, input.body));
    expect(headers['webhook-signature'].split(' ')).toEqual([
      standardWebhookSignature(newest, input.eventId, 1736935200, input.body),
      standardWebhookSignature(previous, input.eventId, 1736935200, input.body),
    ]);
  });
});
