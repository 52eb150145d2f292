import { createHmac, randomBytes } from 'node:crypto';

export const SIGNATURE_PREFIX = 'sha256=';

/**
 * `sha256=<hex HMAC-SHA256>` of the exact body bytes, keyed with the secret's UTF-8 bytes: the value the
 * spec's `verify_webhook(payload, signature, secret)` recomputes. Sign the string that is sent, never a
 * re-serialisation of it, or key order and whitespace would break verification.
 */
export function signWebhookBody(secret: string, body: string | Buffer): string {
  return SIGNATURE_PREFIX + createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('hex');
}

/** A fresh endpoint secret: 256 random bits, prefixed so a leaked one is recognisable in scanners. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
