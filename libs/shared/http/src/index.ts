export * from './domain-error';
export * from './error-body';
export * from './api-exception.filter';
export * from './validation.pipe';
export * from './service-app';
