import { createHmac } from 'node:crypto';
import { verifyWebhookSignature, webhookSignature } from './webhook-signature';

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
