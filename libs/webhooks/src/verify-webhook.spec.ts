import { pythonVerifyWebhook } from './fixtures/python-verify-webhook';
import { bodySignature, standardSignature } from './sign-webhook';
import { verifyWebhook } from './verify-webhook';

// The signatures themselves are pinned to published and independently computed values in sign-webhook.spec.ts.
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const oldSecret = 'whsec_3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const body = Buffer.from('{"event_id":"e1","event_type":"order.created","data":{"note":"café ☕"}}', 'utf8');
const id = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const sentAt = new Date('2025-01-15T10:00:00.000Z');
const timestamp = String(sentAt.getTime() / 1000);

const sha256 = (key: string) => bodySignature(key, body);
const standard = (key: string) => standardSignature(key, id, timestamp, body);

const at = (secondsAfterSending: number) => () => new Date(sentAt.getTime() + secondsAfterSending * 1000);

describe('verifyWebhook', () => {
  const specHeaders = { 'X-Webhook-Signature': sha256(secret), 'X-Webhook-Timestamp': timestamp, 'X-Webhook-Id': id };
  const standardHeaders = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': standard(secret) };

  it("accepts the spec's sha256 signature, which the spec's own Python verify_webhook accepts too", () => {
    expect(verifyWebhook({ body, headers: specHeaders, secrets: secret, now: at(10) })).toEqual({
      valid: true,
      scheme: 'sha256',
      webhookId: id,
      timestamp: Number(timestamp),
    });
    expect(pythonVerifyWebhook(body, specHeaders['X-Webhook-Signature'], secret)).toBe(true);
  });

  it('prefers the Standard Webhooks signature, which also covers the id and the timestamp', () => {
    expect(verifyWebhook({ body, headers: { ...specHeaders, ...standardHeaders }, secrets: secret, now: at(10) })).toMatchObject({
      valid: true,
      scheme: 'standard-webhooks',
    });
  });

  it('rejects a tampered body in both schemes, and Python agrees', () => {
    const tampered = Buffer.from(body.toString('utf8').replace('e1', 'e2'), 'utf8');

    expect(verifyWebhook({ body: tampered, headers: specHeaders, secrets: secret, now: at(10) })).toEqual({ valid: false, reason: 'signature_mismatch' });
    expect(verifyWebhook({ body: tampered, headers: standardHeaders, secrets: secret, now: at(10) })).toEqual({ valid: false, reason: 'signature_mismatch' });
    expect(pythonVerifyWebhook(tampered, specHeaders['X-Webhook-Signature'], secret)).toBe(false);
  });

  it('rejects a timestamp older than 5 minutes, or as far in the future, and accepts the edge of the window', () => {
    expect(verifyWebhook({ body, headers: specHeaders, secrets: secret, now: at(301) })).toEqual({ valid: false, reason: 'timestamp_outside_tolerance' });
    expect(verifyWebhook({ body, headers: specHeaders, secrets: secret, now: at(-301) })).toEqual({ valid: false, reason: 'timestamp_outside_tolerance' });
    expect(verifyWebhook({ body, headers: specHeaders, secrets: secret, now: at(300) })).toMatchObject({ valid: true });
  });

  it('rejects a replay that moved the timestamp forward when the Standard Webhooks signature is present', () => {
    const later = String(Number(timestamp) + 3600);
    const replay = { ...standardHeaders, 'webhook-timestamp': later };

    expect(verifyWebhook({ body, headers: replay, secrets: secret, now: at(3600) })).toEqual({ valid: false, reason: 'signature_mismatch' });
  });

  it('does not fall back to the body-only scheme when a Standard Webhooks signature fails', () => {
    const headers = { ...specHeaders, ...standardHeaders, 'webhook-signature': standard(oldSecret) };

    expect(verifyWebhook({ body, headers, secrets: secret, now: at(1) })).toEqual({ valid: false, reason: 'signature_mismatch' });
  });

  it('during a rotation accepts any of several signatures, with the old or the new secret', () => {
    const rotating = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `${standard(secret)} ${standard(oldSecret)}` };
    const specRotating = { 'X-Webhook-Signature': sha256(secret), 'X-Webhook-Signature-Previous': sha256(oldSecret), 'X-Webhook-Timestamp': timestamp };

    expect(verifyWebhook({ body, headers: rotating, secrets: oldSecret, now: at(1) })).toMatchObject({ valid: true });
    expect(verifyWebhook({ body, headers: rotating, secrets: [secret], now: at(1) })).toMatchObject({ valid: true });
    expect(verifyWebhook({ body, headers: specRotating, secrets: oldSecret, now: at(1) })).toMatchObject({ valid: true, scheme: 'sha256' });
    expect(verifyWebhook({ body, headers: rotating, secrets: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', now: at(1) })).toEqual({
      valid: false,
      reason: 'signature_mismatch',
    });
  });

  it('reads a fetch Headers object and header arrays as well as plain records', () => {
    expect(verifyWebhook({ body, headers: new Headers(standardHeaders), secrets: secret, now: at(1) })).toMatchObject({ valid: true });
  });

  it.each([
    [{ 'X-Webhook-Signature': sha256(secret) }, 'missing_timestamp'],
    [{ 'X-Webhook-Signature': sha256(secret), 'X-Webhook-Timestamp': 'yesterday' }, 'missing_timestamp'],
    [{ 'X-Webhook-Timestamp': timestamp }, 'missing_signature'],
  ])('names what is missing: %j', (headers, reason) => {
    expect(verifyWebhook({ body, headers, secrets: secret, now: at(1) })).toEqual({ valid: false, reason });
  });
});
