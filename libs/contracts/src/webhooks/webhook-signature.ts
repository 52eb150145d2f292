import { createHmac, timingSafeEqual } from 'node:crypto';

/** Endpoint secrets read `whsec_<base64 of 32 random bytes>`, the Standard Webhooks convention. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/**
 * `sha256=<hex HMAC-SHA256 of the exact body bytes>`, the format the integration spec's
 * `verify_webhook` example checks: its key is the whole secret string as UTF-8, exactly as
 * `secret.encode()` in that example. Sign and verify the raw bytes, never a re-serialized object.
 */
export function webhookSignature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Constant-time check of a received signature header against the raw body. */
export function verifyWebhookSignature(secret: string, body: string | Buffer, signatureHeader: string | undefined): boolean {
  if (!signatureHeader) return false;
  const expected = Buffer.from(webhookSignature(secret, body));
  const received = Buffer.from(signatureHeader);
  return expected.length === received.length && timingSafeEqual(expected, received);
}

/**
 * The HMAC key of the Standard Webhooks signature: the base64 bytes after `whsec_`. A secret
 * without the prefix is used as UTF-8 text, which keeps hand-made test secrets usable.
 */
export function standardWebhookKey(secret: string): Buffer {
  return secret.startsWith(WEBHOOK_SECRET_PREFIX) ? Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), 'base64') : Buffer.from(secret, 'utf8');
}

/**
 * `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` (Standard Webhooks). Unlike the spec's body-only
 * signature it also authenticates the message id and the timestamp, so a replayed body cannot carry
 * a fresh timestamp.
 */
export function standardWebhookSignature(secret: string, messageId: string, timestampSeconds: number | string, body: string | Buffer): string {
  const hmac = createHmac('sha256', standardWebhookKey(secret));
  hmac.update(`${messageId}.${timestampSeconds}.`);
  hmac.update(body);
  return `v1,${hmac.digest('base64')}`;
}
