import { getMetadataStorage, MetadataStorage, ValidationTypes } from 'class-validator';
import { validationMetadataArrayToSchemas } from 'class-validator-jsonschema';
import { MessageEnvelope } from './envelope/message-envelope';
import type { MessageDefinition } from './message-definition';

export type JsonSchema = Record<string, unknown>;

export type ContractClass = abstract new (...args: never[]) => object;
export type ConstraintMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type SchemaOptions = NonNullable<Parameters<typeof validationMetadataArrayToSchemas>[1]>;

// class-transformer's @Type metadata tells the converter which class a nested array holds; the storage
// is not part of its public entry point, so it is required from the CommonJS build it ships.
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: NonNullable<SchemaOptions['classTransformerMetadataStorage']>;
};

/**
 * The JSON Schema of one Kafka message, as class-validator declares it: the envelope, with `type` pinned to
 * the message's name and `payload` pointing at the class that validates it. contracts-gen publishes it
 * (docs/schemas/messages, with `id`) and decodeMessage compiles it, so the two cannot drift apart.
 */
export function messageSchema(definition: MessageDefinition, id?: string): JsonSchema {
  const payloadClass = definition.payload.name;
  const definitions = classSchemas([MessageEnvelope, definition.payload]);
  if (!definitions[payloadClass]) throw new Error(`no class-validator metadata for ${payloadClass} (${definition.type})`);
  const envelope = definitions.MessageEnvelope;
  const root: JsonSchema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...(id ? { $id: id } : {}),
    title: definition.type,
    description: `Kafka message ${definition.type} on topic ${definition.topic}: the envelope, whose payload is a ${payloadClass}. The Kafka key is the order id.`,
    ...envelope,
    properties: {
      ...(envelope.properties as Record<string, JsonSchema>),
      type: { const: definition.type },
      payload: { $ref: `#/definitions/${payloadClass}` },
    },
  };
  return withReferencedDefinitions(root, definitions);
}

/** The envelope alone, its payload any object: what can be checked of a message whose type is not known. */
export function envelopeSchema(): JsonSchema {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...classSchemas([MessageEnvelope]).MessageEnvelope };
}

/**
 * The class-validator metadata of `roots` and of every class they reach through nested validation, each
 * entry's `type` the constraint's name (`isInt`, `maxLength`, …). Only those classes' metadata is read, so a
 * same-named class elsewhere in the process (an HTTP DTO, a config class) cannot leak into a schema.
 */
export function classValidationMetadata(roots: ContractClass[]): ConstraintMetadata[] {
  const storage = getMetadataStorage();
  const seen = new Set<ContractClass>();
  const metadatas: ConstraintMetadata[] = [];
  const visit = (target: ContractClass): void => {
    if (seen.has(target)) return;
    seen.add(target);
    for (const meta of storage.getTargetValidationMetadatas(target, '', true, false)) {
      // A parent class's metadata comes back with each subclass; the converter wants it once.
      if (!metadatas.includes(meta)) metadatas.push(meta);
      const nested =
        meta.type === ValidationTypes.NESTED_VALIDATION ? defaultMetadataStorage.findTypeMetadata(meta.target as ContractClass, meta.propertyName) : undefined;
      if (nested) visit(nested.typeFunction() as ContractClass);
    }
  };
  roots.forEach(visit);
  // Built-in decorators are custom constraints underneath; the converters know them by constraint name.
  return metadatas.map((meta) => {
    const constraint = meta.constraintCls ? storage.getTargetValidatorConstraints(meta.constraintCls)[0] : undefined;
    return constraint ? { ...meta, type: constraint.name } : { ...meta };
  });
}

/**
 * Schemas of `roots` and of every class they reach through nested validation, by class name.
 * `additionalConverters` (class-validator-jsonschema's own option) adds or replaces the schema of a constraint.
 */
export function classSchemas(roots: ContractClass[], additionalConverters?: SchemaOptions['additionalConverters']): Record<string, JsonSchema> {
  const schemas = validationMetadataArrayToSchemas(classValidationMetadata(roots), {
    classTransformerMetadataStorage: defaultMetadataStorage,
    refPointerPrefix: '#/definitions/',
    ...(additionalConverters ? { additionalConverters } : {}),
  }) as Record<string, JsonSchema>;
  return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, nullableOptionals(schema)]));
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

/** `root` with a `definitions` section holding exactly the definitions it reaches through `#/definitions/…`. */
function withReferencedDefinitions(root: JsonSchema, pool: Record<string, JsonSchema>): JsonSchema {
  const needed = new Map<string, JsonSchema>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/definitions/')) {
        const name = decodeURIComponent(value.slice('#/definitions/'.length));
        if (!needed.has(name)) {
          const definition = pool[name];
          if (!definition) throw new Error(`schema refers to unknown definition ${name}`);
          needed.set(name, definition);
          visit(definition);
        }
      } else {
        visit(value);
      }
    }
  };
  visit(root);
  const { definitions: _unused, ...rest } = root;
  void _unused;
  if (needed.size === 0) return rest;
  return { ...rest, definitions: Object.fromEntries([...needed.entries()].sort(([a], [b]) => a.localeCompare(b))) };
}
