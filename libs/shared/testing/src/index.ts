export * from './poll-until';
export * from './webhook-recorder';
export * from './admin-query';
