export * from './derived-event-id';
export * from './sign-webhook';
export * from './verify-webhook';
export * from './fixtures/python-verify-webhook';
