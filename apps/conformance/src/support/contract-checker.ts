import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

const DOCS = join(__dirname, '..', '..', '..', '..', 'docs');

interface OpenApiOperation {
  responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: Record<string, unknown>;
}

export interface Tally {
  checked: number;
  violations: string[];
}

/**
 * Validates what the live system emits against the published contracts: HTTP responses against
 * docs/openapi.json (or, where the document has no body schema for a status, the generated
 * docs/schemas/http schema of that operation), Kafka messages and webhook bodies against docs/schemas.
 * Gaps in the documents are collected as findings, separately from violations.
 */
export class ContractChecker {
  readonly responses: Tally = { checked: 0, violations: [] };
  readonly messages: Tally = { checked: 0, violations: [] };
  readonly webhooks: Tally = { checked: 0, violations: [] };
  /** Statuses the OpenAPI document does not list, or lists without a body schema. */
  readonly findings = new Map<string, number>();
  /** Operations whose success body was checked against a generated schema, the OpenAPI document having none. */
  readonly fallbacks = new Map<string, number>();
  readonly messageTypes = new Map<string, number>();

  private readonly ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  private readonly openApi: OpenApiDocument;
  private readonly routes: { method: string; template: string; pattern: RegExp }[];
  private readonly httpFallback: Record<string, string>;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(openApiText = readFileSync(join(DOCS, 'openapi.json'), 'utf8')) {
    this.openApi = JSON.parse(openApiText) as OpenApiDocument;
    this.ajv.addSchema({ $id: 'openapi.json', components: this.openApi.components ?? {} });
    for (const folder of ['messages', 'webhooks', 'http']) {
      for (const file of readdirSync(join(DOCS, 'schemas', folder))) this.ajv.addSchema(JSON.parse(readFileSync(join(DOCS, 'schemas', folder, file), 'utf8')), `${folder}/${file}`);
    }
    this.routes = Object.entries(this.openApi.paths).flatMap(([template, operations]) =>
      Object.keys(operations).map((method) => ({ method: method.toUpperCase(), template, pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`) })),
    );
    // Literal paths before templated ones of the same length (/orders/search would otherwise be an order id).
    this.routes.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
    this.httpFallback = fallbackSchemas();
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
    const documented = this.openApi.paths[route.template][method.toLowerCase()].responses?.[String(status)];
    if (!documented) this.count(this.findings, `${operation}: status not listed in docs/openapi.json`);
    let validate: ValidateFunction | undefined;
    const contentSchema = documented?.content?.['application/json']?.schema;
    if (contentSchema) {
      validate = this.compiled(`openapi ${operation}`, () => ({ $ref: `openapi.json#${pointerOf(contentSchema)}` }));
    } else if (this.httpFallback[operation]) {
      if (documented) this.count(this.fallbacks, operation);
      validate = this.compiled(this.httpFallback[operation], () => ({ $ref: this.httpFallback[operation] }));
    } else if (documented && status !== 204) {
      this.count(this.findings, `${operation}: no body schema in docs/openapi.json or docs/schemas/http`);
    }
    if (!validate) return;
    if (status === 204 || text === '') {
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
    if (!validate(body)) violations.push(`${label}: ${this.ajv.errorsText(validate.errors)}`);
  }

  /** One Kafka record as read from a topic. */
  checkMessage(topic: string, value: Buffer | null, headers: Record<string, string>): void {
    this.messages.checked += 1;
    const violations = this.messages.violations;
    if (topic.includes('.deadletter.')) {
      // A dead letter carries the original bytes, valid or not; its contract is the dlq-* headers.
      this.count(this.messageTypes, `DeadLetter(${topic})`);
      for (const header of ['dlq-original-topic', 'dlq-consumer', 'dlq-error', 'dlq-dead-lettered-at']) if (!headers[header]) violations.push(`${topic}: dead letter without ${header}`);
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
    if (headers['message-type'] !== undefined && headers['message-type'] !== type) violations.push(`${topic} ${type}: header message-type is ${headers['message-type']}`);
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
      `Kafka messages checked: ${this.messages.checked}, violations: ${this.messages.violations.length}`,
      `webhook bodies checked: ${this.webhooks.checked}, violations: ${this.webhooks.violations.length}`,
      `message types seen: ${[...this.messageTypes.entries()].map(([type, count]) => `${type}×${count}`).join(', ')}`,
      ...[...this.responses.violations, ...this.messages.violations, ...this.webhooks.violations].slice(0, 50).map((line) => `  VIOLATION ${line}`),
      `findings (documentation gaps, not violations): ${this.findings.size}`,
      ...[...this.findings.entries()].map(([finding, count]) => `  FINDING ${finding} (×${count})`),
      `success bodies checked against docs/schemas/http because docs/openapi.json has no schema: ${this.fallbacks.size} operations`,
      ...[...this.fallbacks.entries()].map(([operation, count]) => `  FALLBACK ${operation} (×${count})`),
    ];
    return lines.join('\n');
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

/** Operation (`GET /api/v1/orders 200`) → generated schema id, as contracts-gen indexes them. */
function fallbackSchemas(): Record<string, string> {
  return JSON.parse(readFileSync(join(DOCS, 'schemas', 'http-operations.json'), 'utf8')) as Record<string, string>;
}

function pointerOf(schema: object): string {
  const ref = (schema as { $ref?: string }).$ref;
  if (ref?.startsWith('#/')) return ref.slice(1);
  throw new Error(`inline OpenAPI response schemas are not supported yet: ${JSON.stringify(schema).slice(0, 80)}`);
}

function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[._\s]+/g, '-')
    .toLowerCase();
}
