import { OpenAPIObject, SchemaObject } from '@nestjs/swagger';
import { closedSchemaNames } from '@order-saga/contracts/http';

/**
 * Sets additionalProperties: false on every body schema the contract classes mark closed (ApiClosedSchema):
 * a field the document does not list is a contract change, whichever side adds it.
 */
export function closeSchemas(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  for (const name of closedSchemaNames()) {
    const schema = schemas[name] as SchemaObject | undefined;
    if (!schema) throw new Error(`closed schema ${name} is not in the document: is its class used in a request or a response?`);
    schema.additionalProperties = false;
  }
}
