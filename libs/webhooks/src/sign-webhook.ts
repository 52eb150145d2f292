import { createHmac, randomBytes } from 'node:crypto';

/** Endpoint secrets read `whsec_<base64 of 32 random bytes>`, the Standard Webhooks convention. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/**
 * Header names of a signed delivery. The X-Webhook-* set is the integration spec's; the lower-case
 * `webhook-*` set is Standard Webhooks', whose signature also covers the id and the timestamp.
 */
export const WEBHOOK_HEADERS = {
  /** `sha256=<hex>` over the raw body with the endpoint's newest secret (the spec's format). */
  signature: 'X-Webhook-Signature',
  /** During a secret rotation's grace period: the same, with the previous secret. */
  previousSignature: 'X-Webhook-Signature-Previous',
  /** Unix seconds when this attempt was signed. */
  timestamp: 'X-Webhook-Timestamp',
  /** The event id; the same on every retry, so receivers deduplicate on it. */
  id: 'X-Webhook-Id',
  eventType: 'X-Webhook-Event',
  standardId: 'webhook-id',
  standardTimestamp: 'webhook-timestamp',
  /** Space-separated `v1,<base64>` entries, one per secret currently signing. */
  standardSignature: 'webhook-signature',
} as const;

/**
 * `sha256=<hex HMAC-SHA256 of the exact body bytes>`, what the integration spec's `verify_webhook`
 * checks: its key is the whole secret string as UTF-8, exactly as `secret.encode()` there. Sign and
 * verify the raw bytes, never a re-serialised object.
 */
export function bodySignature(secret: string, body: string | Buffer): string {
  return `sha256=${hmacSha256(Buffer.from(secret, 'utf8'), [body]).toString('hex')}`;
}

/**
 * `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` (Standard Webhooks). Unlike the spec's body-only
 * signature it also authenticates the id and the timestamp, so a replayed body cannot carry a fresh one.
 */
export function standardSignature(secret: string, webhookId: string, timestampSeconds: number | string, body: string | Buffer): string {
  return `v1,${hmacSha256(standardKey(secret), [`${webhookId}.${timestampSeconds}.`, body]).toString('base64')}`;
}

/**
 * A fresh endpoint secret: 256 random bits in standard base64 after `whsec_`, so Standard Webhooks
 * libraries decode it as is, and the prefix makes a leaked one recognisable to scanners.
 */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

export interface SignWebhookInput {
  /** Newest first; a rotation's previous secret follows while its grace period lasts. */
  secrets: readonly string[];
  eventId: string;
  eventType: string;
  /** When this attempt is signed: every retry is signed anew, so the receiver's replay window holds. */
  timestampSeconds: number;
  /** The exact string or bytes that are sent. */
  body: string | Buffer;
}

/**
 * Every header of one signed attempt, in both styles. X-Webhook-Signature holds exactly one value,
 * because the spec's verify_webhook compares the whole header; the previous secret's goes in its own
 * header. Standard Webhooks allows several space-separated signatures in one header, so that one has all.
 */
export function signWebhook({ secrets, eventId, eventType, timestampSeconds, body }: SignWebhookInput): Record<string, string> {
  const [newest, previous] = secrets;
  if (newest === undefined) throw new Error('signWebhook needs at least one secret');
  const timestamp = String(timestampSeconds);
  return {
    [WEBHOOK_HEADERS.id]: eventId,
    [WEBHOOK_HEADERS.eventType]: eventType,
    [WEBHOOK_HEADERS.timestamp]: timestamp,
    [WEBHOOK_HEADERS.signature]: bodySignature(newest, body),
    ...(previous === undefined ? {} : { [WEBHOOK_HEADERS.previousSignature]: bodySignature(previous, body) }),
    [WEBHOOK_HEADERS.standardId]: eventId,
    [WEBHOOK_HEADERS.standardTimestamp]: timestamp,
    [WEBHOOK_HEADERS.standardSignature]: secrets.map((secret) => standardSignature(secret, eventId, timestamp, body)).join(' '),
  };
}

/** Standard Webhooks keys are the base64 bytes after `whsec_`; anything else is used as UTF-8 text. */
function standardKey(secret: string): Buffer {
  return secret.startsWith(WEBHOOK_SECRET_PREFIX) ? Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), 'base64') : Buffer.from(secret, 'utf8');
}

function hmacSha256(key: Buffer, parts: readonly (string | Buffer)[]): Buffer {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}
