import { randomBytes } from 'node:crypto';
import { standardWebhookSignature, WEBHOOK_HEADERS, WEBHOOK_SECRET_PREFIX, WebhookEventType, webhookSignature } from '@order-saga/contracts';

export const SIGNATURE_PREFIX = 'sha256=';

/**
 * The contracts' signature (what subscribers verify with), applied to the exact string that is sent:
 * never sign a re-serialisation, or key order and whitespace would break verification.
 */
export const signWebhookBody: (secret: string, body: string | Buffer) => string = webhookSignature;

/**
 * A fresh endpoint secret: 256 random bits in standard base64 after `whsec_`, so Standard Webhooks
 * libraries can decode it as is, and the prefix makes a leaked one recognisable to scanners.
 */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

export interface SigningInput {
  /** Newest first; a rotation's previous secret follows while its grace period lasts. */
  secrets: readonly string[];
  eventId: string;
  eventType: WebhookEventType;
  timestampSeconds: number;
  body: string;
}

/**
 * Both signature styles for one attempt. X-Webhook-Signature holds exactly one value, because the
 * spec's verify_webhook compares the whole header; the previous secret's goes in its own header.
 * Standard Webhooks allows several space-separated signatures in one header, so that one has all.
 */
export function signatureHeaders({ secrets, eventId, eventType, timestampSeconds, body }: SigningInput): Record<string, string> {
  const [newest, previous] = secrets;
  const timestamp = String(timestampSeconds);
  return {
    [WEBHOOK_HEADERS.id]: eventId,
    [WEBHOOK_HEADERS.eventType]: eventType,
    [WEBHOOK_HEADERS.timestamp]: timestamp,
    [WEBHOOK_HEADERS.signature]: signWebhookBody(newest, body),
    ...(previous ? { [WEBHOOK_HEADERS.previousSignature]: signWebhookBody(previous, body) } : {}),
    [WEBHOOK_HEADERS.standardId]: eventId,
    [WEBHOOK_HEADERS.standardTimestamp]: timestamp,
    [WEBHOOK_HEADERS.standardSignature]: secrets.map((secret) => standardWebhookSignature(secret, eventId, timestamp, body)).join(' '),
  };
}
