export * from './validate-config';
export * from './typed-config.module';
export * from './base-service.config';
export * from './database.config';
