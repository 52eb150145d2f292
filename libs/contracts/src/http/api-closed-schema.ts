import { applyDecorators } from '@nestjs/common';
import { ApiSchema } from '@nestjs/swagger';

const CLOSED_SCHEMAS = new Set<string>();

/**
 * Names a body's schema in the OpenAPI document and marks it closed (additionalProperties: false), which
 * @nestjs/swagger has no decorator for; the gateway applies the mark to the document it builds. Response
 * bodies are closed because a field the services never send is a violation; request bodies because the
 * services' validation pipe refuses unknown fields.
 */
export function ApiClosedSchema(name: string, description?: string): ClassDecorator {
  CLOSED_SCHEMAS.add(name);
  return applyDecorators(ApiSchema({ name, ...(description ? { description } : {}) }));
}

/** Every schema name ApiClosedSchema has marked so far (the classes that carry it must be loaded). */
export function closedSchemaNames(): string[] {
  return [...CLOSED_SCHEMAS];
}
