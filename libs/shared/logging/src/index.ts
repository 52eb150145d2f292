export * from './logging.module';
export * from './trace-context';
export * from './lazy-child';
export * from './pino-logger-for';
export * from './redaction';
