import 'reflect-metadata';
import * as contracts from '@order-saga/contracts';
import { MessageDefinition, messageSchema } from '@order-saga/contracts';
import { JsonSchema, kebab, SCHEMA_BASE_URL } from './json-schema';

/** Every message the platform defines: whatever `defineMessage` produced among the contracts' exports. */
export function messageDefinitions(): MessageDefinition[] {
  const isDefinition = (value: unknown): value is MessageDefinition => {
    const candidate = value as Partial<MessageDefinition> | null;
    return (
      typeof candidate === 'object' &&
      candidate !== null &&
      typeof candidate.type === 'string' &&
      typeof candidate.topic === 'string' &&
      typeof candidate.payload === 'function'
    );
  };
  const found = (Object.values(contracts) as unknown[]).filter(isDefinition);
  return found.sort((a, b) => a.type.localeCompare(b.type));
}

export function messageSchemaFile(definition: MessageDefinition): string {
  return `messages/${kebab(definition.type)}.schema.json`;
}

/** One self-contained JSON Schema per message, the very one decodeMessage compiles (contracts' messageSchema). */
export function messageSchemas(): Record<string, JsonSchema> {
  return Object.fromEntries(
    messageDefinitions().map((definition) => [messageSchemaFile(definition), messageSchema(definition, `${SCHEMA_BASE_URL}/${messageSchemaFile(definition)}`)]),
  );
}
