export * from './database.module';
export * from './migration-runner';
export * from './pg-listener';
export * from './database.readiness';
export * from './preparing-client';
export * from './transaction-hooks';
