import { DEAD_LETTER_HEADERS, ENVELOPE_HEADERS, MessageDefinition, TOPICS } from '@order-saga/contracts';
import { WEBHOOK_HEADERS } from '@order-saga/webhooks';
import { stringify } from 'yaml';
import { messageDefinitions, messageSchemaFile } from './message-schemas';
import { WEBHOOK_BODIES, webhookSchemaFile } from './type-schemas';

/** Who publishes each command/reply/event topic; consumers are documented per channel. */
const PRODUCERS: Record<string, string> = {
  'inventory.command': 'order-service',
  'inventory.reply': 'inventory-service',
  'payment.command': 'order-service',
  'payment.reply': 'payment-service',
  'order.event': 'order-service',
  'notification.event': 'notification-service',
};

const CONSUMERS: Record<string, string> = {
  'inventory.command': 'inventory-service',
  'inventory.reply': 'order-service',
  'payment.command': 'payment-service',
  'payment.reply': 'order-service',
  'order.event': 'notification-service (webhooks), inventory-service (OrderCreated confirms the reservation)',
  'notification.event': 'operators and alerting (no consumer in the platform)',
};

/**
 * The AsyncAPI 3 document of every Kafka topic (from TOPICS and the message definitions) and of the
 * webhook events, its payloads pointing at the generated JSON Schemas under docs/schemas.
 */
export function asyncApiDocument(): Record<string, unknown> {
  const definitions = messageDefinitions();
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};

  const byTopic = new Map<string, MessageDefinition[]>();
  for (const definition of definitions) byTopic.set(definition.topic, [...(byTopic.get(definition.topic) ?? []), definition]);

  for (const [topic, onTopic] of [...byTopic.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const family = topic.split('.').slice(0, 2).join('.');
    channels[topic] = {
      address: topic,
      title: topic,
      description: `Published by ${PRODUCERS[family] ?? 'unknown'}; consumed by ${CONSUMERS[family] ?? 'nobody'}. Key: the order id, so one order's messages keep their order.`,
      servers: [{ $ref: '#/servers/kafka' }],
      messages: Object.fromEntries(onTopic.map((definition) => [definition.type, { $ref: `#/components/messages/${definition.type}` }])),
    };
    for (const definition of onTopic) {
      messages[definition.type] = {
        name: definition.type,
        title: definition.type,
        summary: `${definition.payload.name} in the message envelope.`,
        contentType: 'application/json',
        headers: { $ref: '#/components/schemas/EnvelopeHeaders' },
        payload: { $ref: `./schemas/${messageSchemaFile(definition)}` },
        bindings: { kafka: { key: { type: 'string', description: 'The order id (correlationId).' }, bindingVersion: '0.5.0' } },
      };
      operations[`send${definition.type}`] = {
        action: 'send',
        title: `${PRODUCERS[family] ?? 'unknown'} sends ${definition.type}`,
        channel: { $ref: `#/channels/${topic}` },
        messages: [{ $ref: `#/channels/${topic}/messages/${definition.type}` }],
      };
    }
  }

  for (const topic of Object.values(TOPICS.deadLetter).sort()) {
    channels[topic] = {
      address: topic,
      title: topic,
      description:
        'Dead letters of one consumer: the original bytes and headers of a message it could not process, with dlq-* headers. Re-driven by `npm run dlq:redrive`.',
      servers: [{ $ref: '#/servers/kafka' }],
      messages: { DeadLetter: { $ref: '#/components/messages/DeadLetter' } },
    };
    operations[`deadLetter${topic.replace(/[^A-Za-z0-9]+(.)/g, (_, c: string) => c.toUpperCase())}`] = {
      action: 'send',
      title: `the consumer parks a message on ${topic}`,
      channel: { $ref: `#/channels/${topic}` },
      messages: [{ $ref: `#/channels/${topic}/messages/DeadLetter` }],
    };
  }
  messages.DeadLetter = {
    name: 'DeadLetter',
    title: 'Dead letter',
    summary: 'The original message bytes unchanged (possibly not JSON at all).',
    headers: {
      type: 'object',
      required: [DEAD_LETTER_HEADERS.originalTopic, DEAD_LETTER_HEADERS.consumer, DEAD_LETTER_HEADERS.error, DEAD_LETTER_HEADERS.deadLetteredAt],
      properties: Object.fromEntries(Object.values(DEAD_LETTER_HEADERS).map((header) => [header, { type: 'string' }])),
    },
    payload: {},
  };

  for (const [eventType, type] of Object.entries(WEBHOOK_BODIES)) {
    const id = `webhook.${eventType}`;
    channels[id] = {
      address: null,
      title: `${eventType} webhook`,
      description:
        'HTTP POST to each endpoint the owning client registered for this event type (POST /api/v1/webhooks); retried on the schedule in docs/webhooks.md.',
      servers: [{ $ref: '#/servers/webhooks' }],
      messages: { [type]: { $ref: `#/components/messages/${type}` } },
    };
    messages[type] = {
      name: eventType,
      title: `${eventType} webhook`,
      contentType: 'application/json',
      headers: { $ref: '#/components/schemas/WebhookHeaders' },
      payload: { $ref: `./schemas/${webhookSchemaFile(eventType)}` },
    };
    operations[`deliver${type}`] = {
      action: 'send',
      title: `notification-service POSTs ${eventType}`,
      channel: { $ref: `#/channels/${id}` },
      messages: [{ $ref: `#/channels/${id}/messages/${type}` }],
      bindings: { http: { method: 'POST', bindingVersion: '0.3.0' } },
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'order-saga messages and webhooks',
      version: '1.0.0',
      description:
        'Generated by `npx nx run contracts-gen:generate` from libs/contracts; do not edit by hand. Every Kafka message is a JSON envelope ' +
        '{messageId, type, correlationId, causationId, occurredAt, requestId, traceparent, payload}; topics are `<owner>.<kind>.<name>.v<N>`, ' +
        'a breaking change is a new topic version. Webhooks are signed (X-Webhook-Signature and Standard Webhooks headers).',
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: { host: 'localhost:9092', protocol: 'kafka', description: 'Apache Kafka 3.9 (KRaft); `npm run infra` starts one on this address.' },
      webhooks: { host: 'subscriber.example.com', protocol: 'https', description: "The client's own endpoint, as registered." },
    },
    channels,
    operations,
    components: {
      messages,
      schemas: {
        EnvelopeHeaders: {
          type: 'object',
          description: 'Kafka headers mirroring envelope fields, so tools can route and trace without parsing bodies.',
          properties: Object.fromEntries(Object.values(ENVELOPE_HEADERS).map((header) => [header, { type: 'string' }])),
        },
        WebhookHeaders: {
          type: 'object',
          required: [WEBHOOK_HEADERS.signature, WEBHOOK_HEADERS.timestamp, WEBHOOK_HEADERS.id],
          properties: Object.fromEntries(Object.values(WEBHOOK_HEADERS).map((header) => [header, { type: 'string' }])),
        },
      },
    },
  };
}

export function asyncApiText(document: Record<string, unknown>): string {
  return `# Generated by \`npx nx run contracts-gen:generate\` from libs/contracts; do not edit by hand.\n${stringify(document, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
