import { registerAutoInstrumentations } from './tracing/instrumentations';
import { tracesExporterOf } from './tracing/tracing';

/**
 * Imported first by each service's main.ts, before anything loads pg, ioredis, kafkajs or undici: the
 * instrumentations patch those modules as they are required. It reads the environment itself because
 * it runs before the service's config is validated; a bad OTEL_* value patches nothing here and then
 * stops the boot there (BaseServiceConfig).
 */
registerAutoInstrumentations(tracesExporterOf((name) => process.env[name]));
