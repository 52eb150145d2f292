import { join } from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';
import { JsonSchema, kebab, SCHEMA_BASE_URL } from './json-schema';

const REPO_ROOT = join(__dirname, '..', '..', '..');

export const WEBHOOK_BODIES = {
  'order.created': 'OrderCreatedWebhook',
  'order.updated': 'OrderUpdatedWebhook',
  'order.cancelled': 'OrderCancelledWebhook',
} as const;

/**
 * Which success body each public operation answers with, by `<METHOD> <OpenAPI path> <status>`, named as in
 * http-bodies.ts. The bodies are the contract classes of libs/contracts/src/http, which also give
 * docs/openapi.json its schemas, so the two documents describe one type each.
 */
export const HTTP_RESPONSE_BODIES: Record<string, string> = {
  'POST /oauth/token 200': 'TokenResponse',
  'POST /api/v1/orders 201': 'Order',
  'POST /api/v1/orders 200': 'Order',
  'POST /api/v1/orders 202': 'Order',
  'GET /api/v1/orders 200': 'OrderPage',
  'GET /api/v1/search 200': 'OrderPage',
  'GET /api/v1/orders/{orderId} 200': 'OrderDetail',
  'POST /api/v1/customers 201': 'Customer',
  'GET /api/v1/customers 200': 'CustomerPage',
  'GET /api/v1/customers/{customerId} 200': 'Customer',
  'POST /api/v1/customers/{customerId}/deactivate 200': 'Customer',
  'GET /api/v1/products 200': 'ProductPage',
  'GET /api/v1/products/{productId} 200': 'Product',
  'PUT /api/v1/products/{productId} 200': 'Product',
  'POST /api/v1/products/{productId}/stock-adjustments 200': 'Product',
  'POST /api/v1/webhooks 201': 'WebhookEndpointWithSecret',
  'GET /api/v1/webhooks 200': 'WebhookEndpointList',
  'GET /api/v1/webhooks/{webhookId} 200': 'WebhookEndpoint',
  'PATCH /api/v1/webhooks/{webhookId} 200': 'WebhookEndpoint',
  'POST /api/v1/webhooks/{webhookId}/rotate-secret 200': 'WebhookEndpointWithSecret',
  'GET /api/v1/webhooks/{webhookId}/deliveries 200': 'WebhookDeliveryList',
  'GET /api/v1/webhooks/{webhookId}/deliveries/{deliveryId} 200': 'WebhookDelivery',
};

/**
 * JSON Schemas of TypeScript types (webhook bodies and HTTP bodies, both from the contracts library),
 * through one TypeScript program so the slow part runs once.
 */
export function typeSchemas(): { webhooks: Record<string, JsonSchema>; http: Record<string, JsonSchema> } {
  const generator = createGenerator({
    path: join(REPO_ROOT, 'tools/contracts-gen/src/{webhook,http}-bodies.ts'),
    tsconfig: join(REPO_ROOT, 'tsconfig.json'),
    type: '*',
    // The workspace type check already covers these files; the generator only needs their shapes.
    skipTypeCheck: true,
    expose: 'none',
    topRef: false,
    jsDoc: 'basic',
    additionalProperties: false,
    sortProps: true,
  });
  const schemaOf = (type: string, file: string, description: string): JsonSchema => {
    const { $schema: _draft, definitions, ...rest } = generator.createSchema(type) as JsonSchema;
    void _draft;
    const hasDefinitions = definitions && Object.keys(definitions as object).length > 0;
    return {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: `${SCHEMA_BASE_URL}/${file}`,
      title: type,
      ...rest,
      description,
      ...(hasDefinitions ? { definitions } : {}),
    };
  };
  const webhooks = Object.fromEntries(
    Object.entries(WEBHOOK_BODIES).map(([eventType, type]) => {
      const file = webhookSchemaFile(eventType);
      return [file, schemaOf(type, file, `Body of the ${eventType} webhook POSTed to a subscriber (signed; see docs/webhooks.md).`)];
    }),
  );
  const httpTypes = [...new Set(Object.values(HTTP_RESPONSE_BODIES))].sort();
  const http = Object.fromEntries(
    httpTypes.map((type) => {
      const file = httpSchemaFile(type);
      const operations = Object.entries(HTTP_RESPONSE_BODIES)
        .filter(([, body]) => body === type)
        .map(([operation]) => operation);
      return [file, schemaOf(type, file, `Success body of ${operations.join(', ')}.`)];
    }),
  );
  return { webhooks, http };
}

export function webhookSchemaFile(eventType: string): string {
  return `webhooks/${kebab(eventType)}.schema.json`;
}

export function httpSchemaFile(type: string): string {
  return `http/${kebab(type)}.schema.json`;
}
