import { randomBytes } from 'node:crypto';
import { webhookSignature } from '@order-saga/contracts';

export const SIGNATURE_PREFIX = 'sha256=';

/**
 * The contracts' signature (what subscribers verify with), applied to the exact string that is sent:
 * never sign a re-serialisation, or key order and whitespace would break verification.
 */
export const signWebhookBody: (secret: string, body: string | Buffer) => string = webhookSignature;

/** A fresh endpoint secret: 256 random bits, prefixed so a leaked one is recognisable in scanners. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
