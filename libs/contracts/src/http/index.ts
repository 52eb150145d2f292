/*
 * The public HTTP contract: one class per request body, query and response body of the gateway's API.
 * The services validate with these classes (class-validator), the gateway documents with them (@nestjs/swagger),
 * the SDK re-exports their types. A separate entry point from the message contracts, so a service that only
 * speaks Kafka does not load @nestjs/swagger. (No `import 'reflect-metadata'` here, unlike the message entry point:
 * every class file imports @nestjs/swagger, whose @nestjs/common loads it, and the SDK's published declarations
 * re-export this file, where a bare import would name a package SDK users do not have.)
 */

export * from './api-closed-schema';
// The enumerations the HTTP bodies share with the messages and webhooks, so HTTP clients need only this entry point.
export { ORDER_STATUSES, type OrderStatus } from '../order/order-lifecycle/order-status';
export { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../webhooks/webhook-event';
export * from './errors/error-code';
export * from './errors/api-error.response.dto';
export * from './common/page.request.dto';
export * from './common/pagination.response.dto';
export * from './orders/place-order.request.dto';
export * from './orders/order.response.dto';
export * from './orders/track-order.response.dto';
export * from './orders/list-orders.request.dto';
export * from './orders/search-orders.request.dto';
export * from './customers/create-customer.request.dto';
export * from './customers/customer.response.dto';
export * from './customers/list-customers.request.dto';
export * from './products/upsert-product.request.dto';
export * from './products/adjust-stock.request.dto';
export * from './products/list-products.request.dto';
export * from './products/product.response.dto';
export * from './webhooks/register-webhook-endpoint.request.dto';
export * from './webhooks/update-webhook-endpoint.request.dto';
export * from './webhooks/rotate-webhook-secret.request.dto';
export * from './webhooks/redeliver-failed.request.dto';
export * from './webhooks/endpoint-deliveries.request.dto';
export * from './webhooks/webhook-endpoint.response.dto';
export * from './webhooks/webhook-delivery.response.dto';
export * from './oauth/token.request.dto';
export * from './oauth/token.response.dto';
export * from './oauth/oauth-error.response.dto';
export * from './oauth/json-web-key-set.response.dto';
