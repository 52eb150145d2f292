import { createHmac } from 'node:crypto';
import { standardWebhookSignature, verifyWebhookSignature, webhookSignature } from './webhook-signature';

describe('webhook signature', () => {
  const secret = 'whsec_test';
  const body = '{"event_id":"e1","event_type":"order.created"}';

  it('is sha256= and the hex HMAC-SHA256 of the exact body bytes', () => {
    const hex = createHmac('sha256', secret).update(Buffer.from(body, 'utf8')).digest('hex');

    expect(webhookSignature(secret, body)).toBe(`sha256=${hex}`);
  });

  it('verifies the signature of the same bytes', () => {
    expect(verifyWebhookSignature(secret, Buffer.from(body), webhookSignature(secret, body))).toBe(true);
  });

  it('rejects a body changed by one byte, a wrong secret and a missing header', () => {
    const signature = webhookSignature(secret, body);

    expect(verifyWebhookSignature(secret, body.replace('e1', 'e2'), signature)).toBe(false);
    expect(verifyWebhookSignature('whsec_other', body, signature)).toBe(false);
    expect(verifyWebhookSignature(secret, body, undefined)).toBe(false);
  });
});

describe('Standard Webhooks signature', () => {
  // Published example of the Standard Webhooks specification (standard-webhooks.com, spec/standard-webhooks.md).
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const timestamp = 1614265330;
  const body = '{"test": 2432232314}';

  it('matches the published example: v1, then the base64 HMAC of "id.timestamp.body" keyed by the decoded secret', () => {
    expect(standardWebhookSignature(secret, id, timestamp, body)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('authenticates the timestamp: another timestamp gives another signature', () => {
    expect(standardWebhookSignature(secret, id, timestamp + 1, body)).not.toBe(standardWebhookSignature(secret, id, timestamp, body));
  });
});
