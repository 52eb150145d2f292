import { timingSafeEqual } from 'node:crypto';
import { bodySignature, standardSignature, WEBHOOK_HEADERS } from './sign-webhook';

/** The replay window of the integration spec: reject a webhook whose timestamp is more than 5 minutes off. */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /** The exact bytes received. Verify before parsing: a re-serialized object does not hash the same. */
  body: Buffer | string;
  headers: WebhookHeaders;
  /** The endpoint's secret, or several while a rotation is under way; any one of them may match. */
  secrets: string | readonly string[];
  toleranceSeconds?: number;
  /** Injectable clock, for tests. */
  now?: () => Date;
}

export type VerifyWebhookResult =
  | { valid: true; scheme: 'standard-webhooks' | 'sha256'; webhookId: string | null; timestamp: number }
  | { valid: false; reason: 'missing_timestamp' | 'timestamp_outside_tolerance' | 'missing_signature' | 'signature_mismatch' };

/**
 * Checks a webhook from order-saga. Prefers the Standard Webhooks signature (`webhook-signature`, over
 * `id.timestamp.body`), which authenticates the timestamp too; without those headers it falls back to
 * the spec's `X-Webhook-Signature: sha256=<hex>` over the body (and `X-Webhook-Signature-Previous` during
 * a rotation). A message that carries Standard Webhooks headers whose signature fails is rejected, not
 * retried with the weaker scheme. Every comparison is constant-time.
 */
export function verifyWebhook({
  body,
  headers,
  secrets,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
  now = () => new Date(),
}: VerifyWebhookOptions): VerifyWebhookResult {
  const read = headerReader(headers);
  const keys = typeof secrets === 'string' ? [secrets] : [...secrets];
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;

  const timestampText = read(WEBHOOK_HEADERS.standardTimestamp) ?? read(WEBHOOK_HEADERS.timestamp);
  if (!timestampText || !/^\d{1,12}$/.test(timestampText)) return { valid: false, reason: 'missing_timestamp' };
  const timestamp = Number(timestampText);
  if (Math.abs(Math.floor(now().getTime() / 1000) - timestamp) > toleranceSeconds) return { valid: false, reason: 'timestamp_outside_tolerance' };

  const standardSignatures = read(WEBHOOK_HEADERS.standardSignature);
  const standardId = read(WEBHOOK_HEADERS.standardId);
  if (standardSignatures && standardId) {
    const received = standardSignatures.split(' ').filter((entry) => entry.startsWith('v1,'));
    const matches = keys.some((secret) => {
      const expected = standardSignature(secret, standardId, timestampText, bytes);
      return received.some((signature) => constantTimeEqual(signature, expected));
    });
    return matches ? { valid: true, scheme: 'standard-webhooks', webhookId: standardId, timestamp } : { valid: false, reason: 'signature_mismatch' };
  }

  const received = [read(WEBHOOK_HEADERS.signature), read(WEBHOOK_HEADERS.previousSignature)]
    .filter((value): value is string => value !== undefined)
    .flatMap((value) => value.split(' '))
    .filter((entry) => entry.startsWith('sha256='));
  if (received.length === 0) return { valid: false, reason: 'missing_signature' };
  const matches = keys.some((secret) => {
    const expected = bodySignature(secret, bytes);
    return received.some((signature) => constantTimeEqual(signature, expected));
  });
  return matches ? { valid: true, scheme: 'sha256', webhookId: read(WEBHOOK_HEADERS.id) ?? null, timestamp } : { valid: false, reason: 'signature_mismatch' };
}

function constantTimeEqual(received: string, expected: string): boolean {
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // Lengths are public (every valid signature has the same one), so comparing them first leaks nothing.
  return a.length === b.length && timingSafeEqual(a, b);
}

function headerReader(headers: WebhookHeaders): (name: string) => string | undefined {
  if (typeof (headers as Headers).get === 'function') {
    return (name) => (headers as Headers).get(name) ?? undefined;
  }
  const lower = new Map(Object.entries(headers as Record<string, string | string[] | undefined>).map(([key, value]) => [key.toLowerCase(), value]));
  return (name) => {
    const value = lower.get(name.toLowerCase());
    return Array.isArray(value) ? value.join(' ') : value;
  };
}
