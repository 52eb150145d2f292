export * from './poll-until';
export * from './webhook-recorder';
export * from './admin-query';
export * from './client-token';
export * from './api-answer';
export * from './test-gateway';
export * from './test-envelope';
export * from './test-database';
export * from './service-under-test';
export * from './statements-in-transaction';
export * from './system';
// Defined beside the launcher that needs it too; tools/infra may not import this library.
export { freePort } from '@order-saga/infra';
