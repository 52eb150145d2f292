import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { MessageEnvelope } from './envelope/message-envelope';
import { MessageDefinition, PayloadOf } from './message-definition';

/** A message that can never be processed as it stands: wrong shape, unknown type, invalid payload. */
export class UndecodableMessageError extends Error {
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(problems.length ? `${message}: ${problems.join('; ')}` : message);
    this.name = 'UndecodableMessageError';
  }
}

export interface DecodedMessage<T extends object> {
  envelope: MessageEnvelope<T>;
  definition: MessageDefinition<T>;
}

/**
 * Validates a raw Kafka value against the envelope and the payload class of whichever of `definitions`
 * its `type` names. Throws UndecodableMessageError, never returns a half-valid message.
 */
export function decodeMessage<D extends MessageDefinition<object>>(raw: unknown, definitions: readonly D[]): DecodedMessage<PayloadOf<D>> {
  type T = PayloadOf<D>;
  const value = typeof raw === 'string' || Buffer.isBuffer(raw) ? parseJson(raw.toString()) : raw;
  if (typeof value !== 'object' || value === null) {
    throw new UndecodableMessageError('message value is not a JSON object');
  }
  const envelope = plainToInstance(MessageEnvelope, value) as MessageEnvelope<T>;
  const envelopeErrors = validateSync(envelope, { whitelist: false });
  if (envelopeErrors.length) {
    throw new UndecodableMessageError('invalid envelope', flattenValidationErrors(envelopeErrors));
  }
  const definition = definitions.find((candidate) => candidate.type === envelope.type) as MessageDefinition<T> | undefined;
  if (!definition) {
    throw new UndecodableMessageError(`unexpected message type "${envelope.type}"`);
  }
  const payload = plainToInstance(definition.payload, envelope.payload);
  const payloadErrors = validateSync(payload, { forbidUnknownValues: true });
  if (payloadErrors.length) {
    throw new UndecodableMessageError(`invalid ${definition.type} payload`, flattenValidationErrors(payloadErrors));
  }
  envelope.payload = payload;
  return { envelope, definition };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UndecodableMessageError('message value is not JSON');
  }
}

/** `items[0].quantity: quantity must not be less than 1` style lines, for logs and dead letters. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = joinPath(parent, error.property);
    const own = Object.values(error.constraints ?? {}).map((text) => `${path}: ${text}`);
    return [...own, ...flattenValidationErrors(error.children ?? [], path)];
  });
}

export function joinPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}
