export * from './domain-error';
export * from './error-body';
export * from './api-exception.filter';
export * from './validation.pipe';
export * from './service-app';
export * from './json-structure';
export * from './json-body';
export * from './json-body-limits.config';
