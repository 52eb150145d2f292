import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `sha256=<hex HMAC-SHA256 of the exact body bytes>`, the format the integration spec's
 * `verify_webhook` example checks. Sign and verify the raw bytes, never a re-serialized object.
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
