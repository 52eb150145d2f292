import { isUUID } from 'class-validator';

/** What a redrive appends to the outbox for a dead letter: its envelope as it was, under its key, on its own topic. */
export interface RedriveMessage {
  key: string;
  messageType: string;
  envelope: Record<string, unknown>;
}

/** A parked message's key and value as operators read them, and whether (and how) it can be redriven. */
export interface DeadLetterMessage {
  key: string | null;
  /** The value when it is a JSON object (an envelope, or something that looks like one). */
  payload: Record<string, unknown> | null;
  /** The value as text when it is not a JSON object. */
  rawValue: string | null;
  messageId: string | null;
  messageType: string | null;
  redrive: RedriveMessage | null;
  /** Set exactly when `redrive` is null. */
  notRedrivableReason: string | null;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a dead letter's stored bytes. A redrive puts the message back through the outbox, so consumers get it
 * under its own messageId and their inboxes apply it once however often it arrives; that takes an envelope
 * (a JSON object with a UUID messageId, a type and a correlationId, which the relay turns into headers) that
 * PostgreSQL's jsonb can hold (UTF-8, no NUL). Anything else can only be discarded: without a messageId no
 * consumer could tell a second copy from the first. The payload is not checked against its schema: whether
 * it is valid now is for the fixed consumer to say.
 */
export function readDeadLetterMessage(key: Buffer | null, value: Buffer | null): DeadLetterMessage {
  const keyText = key === null ? null : key.toString('utf8');
  const unreadable = (reason: string, rawValue: string | null): DeadLetterMessage => ({
    key: keyText,
    payload: null,
    rawValue,
    messageId: null,
    messageType: null,
    redrive: null,
    notRedrivableReason: reason,
  });
  if (value === null) return unreadable('it has no value', null);
  let text: string;
  try {
    text = strictUtf8.decode(value);
  } catch {
    return unreadable('its value is not UTF-8 text', value.toString('utf8'));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return unreadable('its value is not JSON', text);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return unreadable('its value is not a JSON object (a message envelope)', text);
  const payload = parsed as Record<string, unknown>;
  const messageId = isUUID(payload.messageId) ? (payload.messageId as string) : null;
  const messageType = nonEmptyString(payload.type);
  const correlationId = nonEmptyString(payload.correlationId);
  const read = { key: keyText, payload, rawValue: null, messageId, messageType };
  const refused = (reason: string): DeadLetterMessage => ({ ...read, redrive: null, notRedrivableReason: reason });
  if (!messageId) return refused('its envelope has no messageId (a UUID), so its consumers could not apply it only once');
  if (!messageType) return refused('its envelope has no type');
  if (!correlationId) return refused('its envelope has no correlationId');
  if (text.includes('\\u0000')) return refused('its value holds a NUL character, which the outbox (jsonb) cannot store');
  let redriveKey = correlationId;
  if (key !== null) {
    try {
      redriveKey = strictUtf8.decode(key);
    } catch {
      return refused('its key is not UTF-8 text');
    }
  }
  return { ...read, redrive: { key: redriveKey, messageType, envelope: payload }, notRedrivableReason: null };
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}
