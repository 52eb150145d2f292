import { applyDecorators } from '@nestjs/common';
import { ApiSchema, OpenAPIObject, SchemaObject } from '@nestjs/swagger';

/** Schemas of bodies whose every field the document lists: a service adding one is a contract change. */
const CLOSED_SCHEMAS = new Set<string>();

/**
 * Names a response body's schema in the document and marks it closed (additionalProperties: false),
 * which @nestjs/swagger has no decorator for; openApiDocument applies the mark.
 */
export function ApiClosedSchema(name: string, description?: string): ClassDecorator {
  CLOSED_SCHEMAS.add(name);
  return applyDecorators(ApiSchema({ name, ...(description ? { description } : {}) }));
}

export function closeSchemas(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  for (const name of CLOSED_SCHEMAS) {
    const schema = schemas[name] as SchemaObject | undefined;
    if (!schema) throw new Error(`closed schema ${name} is not in the document: is its class used in a response?`);
    schema.additionalProperties = false;
  }
}
