import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

const DOCS = join(__dirname, '..', '..', '..', '..', 'docs');

interface OpenApiHeader {
  required?: boolean;
  schema?: { type?: string };
}

interface OpenApiResponse {
  content?: Record<string, { schema?: object }>;
  headers?: Record<string, OpenApiHeader>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, OpenApiResponse> }>>;
  components?: Record<string, unknown>;
}

export interface Tally {
  checked: number;
  violations: string[];
}

/**
 * Validates what the live system emits against the published contracts: HTTP responses against
 * docs/openapi.json (status listed, documented headers present and well-formed, body valid against the
 * status's schema), Kafka messages and webhook bodies against docs/schemas. The OpenAPI document is the
 * only source for HTTP: a status it does not list, or a body where it documents none, is a violation.
 */
export class ContractChecker {
  readonly responses: Tally = { checked: 0, violations: [] };
  readonly messages: Tally = { checked: 0, violations: [] };
  readonly webhooks: Tally = { checked: 0, violations: [] };
  /** Response bodies validated against the schema docs/openapi.json gives for their operation and status. */
  bodiesValidated = 0;
  /** Responses by operation and status, so the report shows what the run covered. */
  readonly operations = new Map<string, number>();
  readonly messageTypes = new Map<string, number>();

  private readonly ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  private readonly openApi: OpenApiDocument;
  private readonly routes: { method: string; template: string; pattern: RegExp }[];
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(openApiText = readFileSync(join(DOCS, 'openapi.json'), 'utf8')) {
    this.openApi = JSON.parse(openApiText) as OpenApiDocument;
    // Registered whole, so a response schema is reached by its JSON pointer whether it is a $ref or inline (oneOf).
    this.ajv.addSchema({ $id: OPENAPI_ID, paths: this.openApi.paths, components: this.openApi.components ?? {} });
    for (const folder of ['messages', 'webhooks']) {
      for (const file of readdirSync(join(DOCS, 'schemas', folder)))
        this.ajv.addSchema(JSON.parse(readFileSync(join(DOCS, 'schemas', folder, file), 'utf8')), `${folder}/${file}`);
    }
    this.routes = Object.entries(this.openApi.paths).flatMap(([template, operations]) =>
      Object.keys(operations).map((method) => ({
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      })),
    );
    // Literal paths before templated ones of the same length (/orders/search would otherwise be an order id).
    this.routes.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  }

  /** One HTTP response of the gateway. `text` is the raw body. */
  checkResponse(method: string, url: string, status: number, headers: Headers, text: string): void {
    const path = new URL(url).pathname;
    const label = `${method} ${path} → ${status}`;
    this.responses.checked += 1;
    const violations = this.responses.violations;
    if (!headers.get('x-request-id')) violations.push(`${label}: no X-Request-ID header`);
    const route = this.routes.find((candidate) => candidate.method === method && candidate.pattern.test(path));
    if (!route) {
      violations.push(`${label}: no such operation in docs/openapi.json`);
      return;
    }
    const operation = `${method} ${route.template} ${status}`;
    this.count(this.operations, operation);
    const documented = this.openApi.paths[route.template][method.toLowerCase()].responses?.[String(status)];
    if (!documented) {
      violations.push(`${operation}: status not listed in docs/openapi.json`);
      return;
    }
    this.checkHeaders(operation, documented, headers);
    const hasSchema = documented.content?.['application/json']?.schema !== undefined;
    if (!hasSchema) {
      if (text !== '') violations.push(`${label}: a body where docs/openapi.json documents none: ${text.slice(0, 80)}`);
      return;
    }
    if (text === '') {
      violations.push(`${label}: empty body where a schema is documented`);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      violations.push(`${label}: body is not JSON: ${text.slice(0, 80)}`);
      return;
    }
    const pointer = ['paths', route.template, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema']
      .map(escapePointer)
      .join('/');
    const validate = this.compiled(`openapi ${operation}`, () => ({ $ref: `${OPENAPI_ID}#/${pointer}` }));
    this.bodiesValidated += 1;
    if (!validate(body)) violations.push(`${label}: ${this.ajv.errorsText(validate.errors)}`);
  }

  /** One Kafka record as read from a topic. */
  checkMessage(topic: string, value: Buffer | null, headers: Record<string, string>): void {
    this.messages.checked += 1;
    const violations = this.messages.violations;
    if (topic.includes('.deadletter.')) {
      // A dead letter carries the original bytes, valid or not; its contract is the dlq-* headers.
      this.count(this.messageTypes, `DeadLetter(${topic})`);
      for (const header of ['dlq-original-topic', 'dlq-consumer', 'dlq-error', 'dlq-dead-lettered-at'])
        if (!headers[header]) violations.push(`${topic}: dead letter without ${header}`);
      return;
    }
    let envelope: { type?: unknown; messageId?: unknown };
    try {
      envelope = JSON.parse(value?.toString('utf8') ?? '');
    } catch {
      violations.push(`${topic}: value is not JSON`);
      return;
    }
    const type = typeof envelope.type === 'string' ? envelope.type : '';
    this.count(this.messageTypes, type || '(no type)');
    const schemaId = `messages/${kebab(type)}.schema.json`;
    const validate = this.ajv.getSchema(schemaId);
    if (!type || !validate) {
      violations.push(`${topic}: message type "${type}" has no schema in docs/schemas/messages`);
      return;
    }
    const expectedTopic = (validate.schema as { description?: string }).description?.match(/on topic (\S+):/)?.[1];
    if (expectedTopic && expectedTopic !== topic) violations.push(`${type} on ${topic}, documented on ${expectedTopic}`);
    if (!validate(envelope)) violations.push(`${topic} ${type} ${String(envelope.messageId)}: ${this.ajv.errorsText(validate.errors)}`);
    if (headers['message-type'] !== undefined && headers['message-type'] !== type)
      violations.push(`${topic} ${type}: header message-type is ${headers['message-type']}`);
  }

  /** One webhook request body as the subscriber received it. */
  checkWebhook(rawBody: Buffer): void {
    this.webhooks.checked += 1;
    let body: { event_type?: unknown; event_id?: unknown };
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      this.webhooks.violations.push('webhook body is not JSON');
      return;
    }
    const validate = this.ajv.getSchema(`webhooks/${kebab(String(body.event_type))}.schema.json`);
    if (!validate) {
      this.webhooks.violations.push(`webhook event_type ${String(body.event_type)} has no schema`);
      return;
    }
    if (!validate(body)) this.webhooks.violations.push(`webhook ${String(body.event_type)} ${String(body.event_id)}: ${this.ajv.errorsText(validate.errors)}`);
  }

  report(): string {
    const lines = [
      `HTTP responses checked: ${this.responses.checked}, violations: ${this.responses.violations.length}`,
      `  bodies validated against docs/openapi.json: ${this.bodiesValidated}; bodiless (204) or checked for headers only: ${this.responses.checked - this.bodiesValidated}; FALLBACK schemas: none (docs/openapi.json is the only HTTP contract)`,
      `  operations and statuses seen: ${this.operations.size}`,
      ...[...this.operations.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([operation, count]) => `    ${operation} ×${count}`),
      `Kafka messages checked: ${this.messages.checked}, violations: ${this.messages.violations.length}`,
      `webhook bodies checked: ${this.webhooks.checked}, violations: ${this.webhooks.violations.length}`,
      `message types seen: ${[...this.messageTypes.entries()].map(([type, count]) => `${type}×${count}`).join(', ')}`,
      ...[...this.responses.violations, ...this.messages.violations, ...this.webhooks.violations].slice(0, 50).map((line) => `  VIOLATION ${line}`),
    ];
    return lines.join('\n');
  }

  /** Every header the document marks required is there, and each documented one present matches its schema. */
  private checkHeaders(operation: string, documented: OpenApiResponse, headers: Headers): void {
    for (const [name, header] of Object.entries(documented.headers ?? {})) {
      const value = headers.get(name);
      if (value === null) {
        if (header.required) this.responses.violations.push(`${operation}: no ${name} header`);
        continue;
      }
      if (!header.schema) continue;
      const validate = this.compiled(`header ${operation} ${name}`, () => header.schema as object);
      // Header values are text; an integer header is checked as the number it spells.
      const typed = header.schema.type === 'integer' && /^-?\d+$/.test(value) ? Number(value) : value;
      if (!validate(typed)) this.responses.violations.push(`${operation}: header ${name}: ${JSON.stringify(value)} ${this.ajv.errorsText(validate.errors)}`);
    }
  }

  private compiled(key: string, schema: () => object): ValidateFunction {
    let validate = this.cache.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema());
      this.cache.set(key, validate);
    }
    return validate;
  }

  private count(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }
}

const OPENAPI_ID = 'openapi.json';

/** RFC 6901: `~` and `/` inside a pointer segment (paths are full of slashes). */
function escapePointer(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));
}

function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[._\s]+/g, '-')
    .toLowerCase();
}
