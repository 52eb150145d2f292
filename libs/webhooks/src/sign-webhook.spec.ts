import { pythonVerifyWebhook } from './fixtures/python-verify-webhook';
import { bodySignature, generateWebhookSecret, signWebhook, standardSignature } from './sign-webhook';
import { verifyWebhook } from './verify-webhook';

describe('bodySignature (X-Webhook-Signature)', () => {
  it('matches the RFC 4231 HMAC-SHA256 test vector (case 2), with the sha256= prefix', () => {
    expect(bodySignature('Jefe', 'what do ya want for nothing?')).toBe('sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  // Computed with the spec's Python recipe: hmac.new(secret.encode(), payload, sha256) over the UTF-8 bytes.
  const secret = 'whsec_3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
  const body =
    '{"event_id":"7c9e6679-7425-40de-944b-e07fc1f90ae7","event_type":"order.created","timestamp":"2025-01-15T10:00:00.000Z",' +
    '"data":{"object_type":"order","object_id":"ord_1","note":"café ☕"}}';
  const pythonSignature = 'sha256=89a16d77a516ec7f1b7564ba1445c816de417b3759170484adcab332e071fbf8';

  it("equals what the spec's Python verification computes, keyed by the whole secret string", () => {
    expect(bodySignature(secret, body)).toBe(pythonSignature);
  });

  it('signs a string and its UTF-8 bytes identically, as a receiver reading raw bytes sees them', () => {
    expect(bodySignature(secret, Buffer.from(body, 'utf8'))).toBe(pythonSignature);
  });

  it('changes when a single byte of the body changes', () => {
    expect(bodySignature(secret, body.replace('ord_1', 'ord_2'))).not.toBe(pythonSignature);
  });
});

describe('standardSignature (webhook-signature)', () => {
  // Published example of the Standard Webhooks specification (standard-webhooks.com, spec/standard-webhooks.md).
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const timestamp = 1614265330;
  const body = '{"test": 2432232314}';

  it('matches the published example: v1, then the base64 HMAC of "id.timestamp.body" keyed by the decoded secret', () => {
    expect(standardSignature(secret, id, timestamp, body)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    expect(standardSignature(secret, id, String(timestamp), Buffer.from(body, 'utf8'))).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('authenticates the id and the timestamp: changing either gives another signature', () => {
    const signature = standardSignature(secret, id, timestamp, body);

    expect(standardSignature(secret, id, timestamp + 1, body)).not.toBe(signature);
    expect(standardSignature(secret, 'msg_other', timestamp, body)).not.toBe(signature);
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

describe('signWebhook', () => {
  const sentAt = new Date('2025-01-15T10:00:00.000Z');
  const input = {
    eventId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    eventType: 'order.created',
    timestampSeconds: sentAt.getTime() / 1000,
    body: '{"a":1,"note":"café"}',
  };
  const newest = generateWebhookSecret();
  const previous = generateWebhookSecret();
  const at = (secondsAfterSigning: number) => () => new Date(sentAt.getTime() + secondsAfterSigning * 1000);

  it('signs with one secret in both styles and names the event and the time', () => {
    expect(signWebhook({ ...input, secrets: [newest] })).toEqual({
      'X-Webhook-Id': input.eventId,
      'X-Webhook-Event': 'order.created',
      'X-Webhook-Timestamp': '1736935200',
      'X-Webhook-Signature': bodySignature(newest, input.body),
      'webhook-id': input.eventId,
      'webhook-timestamp': '1736935200',
      'webhook-signature': standardSignature(newest, input.eventId, 1736935200, input.body),
    });
  });

  it('during a rotation, sends the previous secret as well: its own spec-style header and a second Standard Webhooks entry', () => {
    const headers = signWebhook({ ...input, secrets: [newest, previous] });

    expect(headers['X-Webhook-Signature']).toBe(bodySignature(newest, input.body));
    expect(headers['X-Webhook-Signature-Previous']).toBe(bodySignature(previous, input.body));
    expect(headers['webhook-signature'].split(' ')).toEqual([
      standardSignature(newest, input.eventId, 1736935200, input.body),
      standardSignature(previous, input.eventId, 1736935200, input.body),
    ]);
  });

  it('refuses to sign without a secret', () => {
    expect(() => signWebhook({ ...input, secrets: [] })).toThrow('at least one secret');
  });

  describe('round trip through verifyWebhook', () => {
    const headers = signWebhook({ ...input, secrets: [newest] });
    const specOnly = {
      'X-Webhook-Signature': headers['X-Webhook-Signature'],
      'X-Webhook-Timestamp': headers['X-Webhook-Timestamp'],
      'X-Webhook-Id': headers['X-Webhook-Id'],
    };

    it('verifies what it signed, in the Standard Webhooks scheme and, without those headers, in the spec scheme', () => {
      expect(verifyWebhook({ body: input.body, headers, secrets: newest, now: at(1) })).toEqual({
        valid: true,
        scheme: 'standard-webhooks',
        webhookId: input.eventId,
        timestamp: 1736935200,
      });
      expect(verifyWebhook({ body: Buffer.from(input.body, 'utf8'), headers: specOnly, secrets: newest, now: at(1) })).toEqual({
        valid: true,
        scheme: 'sha256',
        webhookId: input.eventId,
        timestamp: 1736935200,
      });
    });

    it("signs what the spec's own Python verify_webhook accepts", () => {
      expect(pythonVerifyWebhook(Buffer.from(input.body, 'utf8'), headers['X-Webhook-Signature'], newest)).toBe(true);
    });

    it('rejects a tampered body in both schemes', () => {
      const tampered = input.body.replace('"a":1', '"a":2');

      expect(verifyWebhook({ body: tampered, headers, secrets: newest, now: at(1) })).toEqual({ valid: false, reason: 'signature_mismatch' });
      expect(verifyWebhook({ body: tampered, headers: specOnly, secrets: newest, now: at(1) })).toEqual({ valid: false, reason: 'signature_mismatch' });
    });

    it('rejects a wrong secret in both schemes', () => {
      expect(verifyWebhook({ body: input.body, headers, secrets: previous, now: at(1) })).toEqual({ valid: false, reason: 'signature_mismatch' });
      expect(verifyWebhook({ body: input.body, headers: specOnly, secrets: previous, now: at(1) })).toEqual({ valid: false, reason: 'signature_mismatch' });
    });

    it('rejects a delivery signed more than 5 minutes before it is checked', () => {
      expect(verifyWebhook({ body: input.body, headers, secrets: newest, now: at(300) })).toMatchObject({ valid: true });
      expect(verifyWebhook({ body: input.body, headers, secrets: newest, now: at(301) })).toEqual({ valid: false, reason: 'timestamp_outside_tolerance' });
    });

    it('during a rotation, a receiver that still holds only the previous secret accepts the delivery', () => {
      const rotating = signWebhook({ ...input, secrets: [newest, previous] });

      expect(verifyWebhook({ body: input.body, headers: rotating, secrets: previous, now: at(1) })).toMatchObject({ valid: true, scheme: 'standard-webhooks' });
      const specStyle = Object.fromEntries(Object.entries(rotating).filter(([name]) => name.startsWith('X-')));
      expect(verifyWebhook({ body: input.body, headers: specStyle, secrets: previous, now: at(1) })).toMatchObject({ valid: true, scheme: 'sha256' });
    });
  });
});
