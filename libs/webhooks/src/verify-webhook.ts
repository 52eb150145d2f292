import { createHmac, timingSafeEqual } from 'node:crypto';

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
export function verifyWebhook({ body, headers, secrets, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, now = () => new Date() }: VerifyWebhookOptions): VerifyWebhookResult {
  const read = headerReader(headers);
  const keys = typeof secrets === 'string' ? [secrets] : [...secrets];
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;

  const timestampText = read('webhook-timestamp') ?? read('x-webhook-timestamp');
  if (!timestampText || !/^\d{1,12}$/.test(timestampText)) return { valid: false, reason: 'missing_timestamp' };
  const timestamp = Number(timestampText);
  if (Math.abs(Math.floor(now().getTime() / 1000) - timestamp) > toleranceSeconds) return { valid: false, reason: 'timestamp_outside_tolerance' };

  const standardSignatures = read('webhook-signature');
  const standardId = read('webhook-id');
  if (standardSignatures && standardId) {
    const received = standardSignatures
      .split(' ')
      .filter((entry) => entry.startsWith('v1,'))
      .map((entry) => entry.slice('v1,'.length));
    const content = Buffer.concat([Buffer.from(`${standardId}.${timestampText}.`, 'utf8'), bytes]);
    const matches = keys.some((secret) => {
      const expected = createHmac('sha256', standardKey(secret)).update(content).digest('base64');
      return received.some((signature) => constantTimeEqual(signature, expected));
    });
    return matches ? { valid: true, scheme: 'standard-webhooks', webhookId: standardId, timestamp } : { valid: false, reason: 'signature_mismatch' };
  }

  const received = [read('x-webhook-signature'), read('x-webhook-signature-previous')]
    .filter((value): value is string => value !== undefined)
    .flatMap((value) => value.split(' '))
    .filter((entry) => entry.startsWith('sha256='));
  if (received.length === 0) return { valid: false, reason: 'missing_signature' };
  const matches = keys.some((secret) => {
    // Keyed by the whole secret string as UTF-8, exactly as the spec's Python verify_webhook does.
    const expected = `sha256=${createHmac('sha256', secret).update(bytes).digest('hex')}`;
    return received.some((signature) => constantTimeEqual(signature, expected));
  });
  return matches ? { valid: true, scheme: 'sha256', webhookId: read('x-webhook-id') ?? null, timestamp } : { valid: false, reason: 'signature_mismatch' };
}

/** Standard Webhooks keys are the base64 bytes after `whsec_`; anything else is used as UTF-8 text. */
function standardKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
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
    const value = lower.get(name);
    return Array.isArray(value) ? value.join(' ') : value;
  };
}
