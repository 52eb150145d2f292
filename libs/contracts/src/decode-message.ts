import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { isUUID } from 'class-validator';
import { MessageEnvelope } from './envelope/message-envelope';
import { MessageDefinition, PayloadOf } from './message-definition';
import { envelopeSchema, messageSchema } from './message-schema';

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
 *
 * Each message's JSON Schema (messageSchema, the one docs/schemas publishes) is compiled once, on its
 * first message; a decode is then one generated function over the parsed JSON. Extra fields are kept, as
 * class-validator kept them: a producer may add a field before its consumers know it. The payload comes
 * back as an instance of its class, so consumers can tell the replies of one topic apart with instanceof;
 * its nested objects (order lines) stay plain, and every field keeps its JSON type (dates are ISO strings).
 */
export function decodeMessage<D extends MessageDefinition<object>>(raw: unknown, definitions: readonly D[]): DecodedMessage<PayloadOf<D>> {
  type T = PayloadOf<D>;
  const value = typeof raw === 'string' || Buffer.isBuffer(raw) ? parseJson(raw.toString()) : raw;
  if (typeof value !== 'object' || value === null) {
    throw new UndecodableMessageError('message value is not a JSON object');
  }
  const type = (value as { type?: unknown }).type;
  const definition = definitions.find((candidate) => candidate.type === type) as MessageDefinition<T> | undefined;
  if (!definition) {
    const validEnvelope = compiled.envelope();
    if (!validEnvelope(value)) throw new UndecodableMessageError('invalid envelope', problemLines(validEnvelope.errors ?? []));
    throw new UndecodableMessageError(`unexpected message type "${String(type)}"`);
  }
  const valid = compiled.message(definition);
  if (!valid(value)) {
    const errors = valid.errors ?? [];
    const envelopeErrors = errors.filter((error) => !inPayload(error));
    if (envelopeErrors.length) throw new UndecodableMessageError('invalid envelope', problemLines(envelopeErrors));
    throw new UndecodableMessageError(`invalid ${definition.type} payload`, problemLines(errors, PAYLOAD));
  }
  // Copies, so a caller's own object is never changed; the spread defines keys (a "__proto__" key stays data).
  const payload = Object.setPrototypeOf({ ...value.payload }, definition.payload.prototype) as T;
  return { envelope: { ...value, payload }, definition };
}

const PAYLOAD = '/payload';

/** Ajv and the validators it compiled, built on first use: a process that never decodes pays nothing. */
const compiled = (() => {
  let ajv: Ajv | undefined;
  let envelope: ValidateFunction<MessageEnvelope> | undefined;
  const messages = new WeakMap<MessageDefinition, ValidateFunction<MessageEnvelope>>();
  const compiler = (): Ajv => {
    if (ajv) return ajv;
    // allErrors: a dead letter lists every problem, as class-validator did; strict: a schema keyword Ajv does not know fails the compile.
    ajv = addFormats(new Ajv({ allErrors: true, strict: true }));
    // The check @IsUUID makes; ajv-formats' own would also let through `urn:uuid:…`, which a uuid column refuses.
    ajv.addFormat('uuid', { type: 'string', validate: (text) => isUUID(text) });
    return ajv;
  };
  return {
    envelope: () => (envelope ??= compiler().compile<MessageEnvelope>(envelopeSchema())),
    message: (definition: MessageDefinition): ValidateFunction<MessageEnvelope> => {
      let validate = messages.get(definition);
      if (!validate) {
        validate = compiler().compile<MessageEnvelope>(messageSchema(definition));
        messages.set(definition, validate);
      }
      return validate;
    },
  };
})();

/** An error about the payload's content; the payload not being an object at all is the envelope's. */
function inPayload(error: ErrorObject): boolean {
  return error.instancePath.startsWith(`${PAYLOAD}/`) || (error.instancePath === PAYLOAD && error.keyword !== 'type');
}

/**
 * `items[0].quantity: must be >= 1` style lines, for logs and dead letters, with paths relative to `base`.
 * A field that may take one of several shapes (a date or a date-time; an optional field's type or null)
 * gets one line naming the shapes it may take, without the null branch and Ajv's "must match a schema in
 * anyOf" summary.
 */
function problemLines(errors: ErrorObject[], base = ''): string[] {
  const choices = new Set(errors.filter(isAlternatives).map((error) => error.instancePath));
  const lines: { path: string; texts: string[] }[] = [];
  for (const error of errors) {
    const isChoice = choices.has(error.instancePath);
    if (isChoice && (isAlternatives(error) || (error.keyword === 'type' && error.params.type === 'null'))) continue;
    const missing = error.keyword === 'required' ? (error.params.missingProperty as string) : undefined;
    const path = fieldPath(error.instancePath.slice(base.length), missing);
    const text = missing === undefined ? (error.message ?? error.keyword) : 'is required';
    const line = isChoice ? lines.find((candidate) => candidate.path === path) : undefined;
    if (line) line.texts = [...new Set([...line.texts, text])];
    else lines.push({ path, texts: [text] });
  }
  return lines.map(({ path, texts }) => (path ? `${path}: ${texts.join(' or ')}` : texts.join(' or ')));
}

function isAlternatives(error: ErrorObject): boolean {
  return error.keyword === 'anyOf' || error.keyword === 'oneOf';
}

/** `/items/0/quantity` (a JSON Pointer) as `items[0].quantity`. */
function fieldPath(pointer: string, property?: string): string {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  return [...segments, ...(property === undefined ? [] : [property])].reduce(joinPath, '');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UndecodableMessageError('message value is not JSON');
  }
}

/** `items` + `0` is `items[0]`, `items[0]` + `quantity` is `items[0].quantity`: field paths in problem lines. */
export function joinPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}
