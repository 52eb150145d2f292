export * from './observability.module';
export * from './lifecycle/service-lifecycle';
export * from './lifecycle/service-lifecycle.module';
export * from './lifecycle/graceful-shutdown';
export * from './metrics/platform.metrics';
export * from './http/http-observability.middleware';
export * from './tracing/tracing';
export * from './tracing/json-lines-span.exporter';
