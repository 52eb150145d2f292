/*
 * The operator contract of the services' dead-letter and webhook routes (every Kafka service's /dead-letters,
 * notification-service's /operator/webhook-*), an entry point of its own while the gateway does not mount
 * these routes: the gateway's OpenAPI document must describe every closed schema it loads (closeSchemas), so
 * it may load these classes only with the routes that use them. Once it mounts them, these exports join
 * index.ts and this entry point goes. Services validate with the request classes and type their answers with
 * the response classes, as with index.ts.
 */

export * from './operator-action.request.dto';
export * from './dead-letter.response.dto';
export * from './list-dead-letters.request.dto';
export * from './redrive-dead-letters.request.dto';
export * from './dead-letter-action.response.dto';
export * from './operator-webhook-endpoint.response.dto';
export * from './list-operator-webhook-endpoints.request.dto';
export * from './operator-webhook-delivery.response.dto';
export * from './list-operator-webhook-deliveries.request.dto';
export * from './resend-failed-webhooks.request.dto';
export * from './webhook-action.response.dto';
