// class-transformer's @Type reads design-time metadata, so the polyfill must load before any message class.
import 'reflect-metadata';

export * from './envelope/message-envelope';
export * from './message-definition';
export * from './topics';
export * from './common';
export * from './inventory/reserve-stock/reserve-stock.command';
export * from './inventory/reserve-stock/stock-reserved.reply';
export * from './inventory/reserve-stock/stock-reservation-rejected.reply';
export * from './inventory/release-stock/release-stock.command';
export * from './inventory/release-stock/stock-released.reply';
export * from './payment/process-payment/process-payment.command';
export * from './payment/process-payment/payment-succeeded.reply';
export * from './payment/process-payment/payment-declined.reply';
export * from './order/order-lifecycle/order-status';
export * from './order/order-lifecycle/order-status-change';
export * from './order/order-lifecycle/order-created.event';
export * from './order/order-lifecycle/order-cancelled.event';
export * from './order/order-lifecycle/order-updated.event';
export * from './webhooks/webhook-event';
export * from './decode-message';
export * from './message-schema';
export * from './compiled-validation';
export * from './inventory/confirm-reservation/confirm-reservation.command';
export * from './payment/refund-payment/refund-payment.command';
export * from './payment/refund-payment/payment-refunded.reply';
export * from './webhooks/webhook-delivery-failed/webhook-delivery-failed.event';
// The error codes alone (no @nestjs/swagger): libs/shared/http's errors are built from them in every service.
export * from './http/errors/error-code';
