export * from './messaging-tables';
export * from './outbox';
export * from './outbox-relay';
export * from './kafka.tokens';
export * from './kafka-headers';
export * from './message-processor';
export * from './messaging.module';
export * from './kafka-microservice';
