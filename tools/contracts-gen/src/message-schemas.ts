import 'reflect-metadata';
import * as contracts from '@order-saga/contracts';
import { MessageDefinition } from '@order-saga/contracts';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { JsonSchema, kebab, SCHEMA_BASE_URL, withReferencedDefinitions } from './json-schema';

// class-transformer's @Type metadata tells the converter which class a nested array holds; the storage
// is not part of its public entry point, so it is required from the CommonJS build it ships.
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: NonNullable<Parameters<typeof validationMetadatasToSchemas>[0]>['classTransformerMetadataStorage'] };

/** Every message the platform defines: whatever `defineMessage` produced among the contracts' exports. */
export function messageDefinitions(): MessageDefinition[] {
  const isDefinition = (value: unknown): value is MessageDefinition => {
    const candidate = value as Partial<MessageDefinition> | null;
    return typeof candidate === 'object' && candidate !== null && typeof candidate.type === 'string' && typeof candidate.topic === 'string' && typeof candidate.payload === 'function';
  };
  const found = (Object.values(contracts) as unknown[]).filter(isDefinition);
  return found.sort((a, b) => a.type.localeCompare(b.type));
}

export function messageSchemaFile(definition: MessageDefinition): string {
  return `messages/${kebab(definition.type)}.schema.json`;
}

/**
 * One self-contained JSON Schema per message: the envelope, with `type` pinned to the message's name and
 * `payload` pointing at the class that validates it, both as class-validator declares them.
 */
export function messageSchemas(): Record<string, JsonSchema> {
  const classes = validationMetadatasToSchemas({ classTransformerMetadataStorage: defaultMetadataStorage, refPointerPrefix: '#/definitions/' }) as Record<string, JsonSchema>;
  const definitions = Object.fromEntries(Object.entries(classes).map(([name, schema]) => [name, nullableOptionals(schema)]));
  const envelope = definitions.MessageEnvelope;
  const files: Record<string, JsonSchema> = {};
  for (const definition of messageDefinitions()) {
    const payloadClass = definition.payload.name;
    if (!definitions[payloadClass]) throw new Error(`no class-validator metadata for ${payloadClass} (${definition.type})`);
    const root: JsonSchema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: `${SCHEMA_BASE_URL}/${messageSchemaFile(definition)}`,
      title: definition.type,
      description: `Kafka message ${definition.type} on topic ${definition.topic}: the envelope, whose payload is a ${payloadClass}. The Kafka key is the order id.`,
      ...envelope,
      properties: {
        ...(envelope.properties as Record<string, JsonSchema>),
        type: { const: definition.type },
        payload: { $ref: `#/definitions/${payloadClass}` },
      },
    };
    files[messageSchemaFile(definition)] = withReferencedDefinitions(root, definitions);
  }
  return files;
}

/**
 * class-validator's @IsOptional lets both undefined and null through (`causationId: string | null`),
 * while the converter only leaves such a property out of `required`; the schema must accept null too.
 */
function nullableOptionals(schema: JsonSchema): JsonSchema {
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const properties = Object.fromEntries(
    Object.entries((schema.properties as Record<string, JsonSchema> | undefined) ?? {}).map(([name, property]) =>
      required.has(name) ? [name, property] : [name, { anyOf: [property, { type: 'null' }] }],
    ),
  );
  return { ...schema, properties };
}
