export * from './poll-until';
export * from './webhook-recorder';
export * from './admin-query';
export * from './client-token';
export * from './test-gateway';
// Defined beside the launcher that needs it too; tools/infra may not import this library.
export { freePort } from '@order-saga/infra';
