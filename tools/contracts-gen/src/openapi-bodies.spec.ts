import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCS_DIR } from './generate';
import { HTTP_RESPONSE_BODIES, httpSchemaFile } from './type-schemas';

/*
 * docs/openapi.json describes success bodies with the gateway's response DTOs, which nothing ties to
 * the services' types: the gateway relays bytes. docs/schemas/http holds schemas generated from those
 * types (generate.spec.ts keeps them current). Here the two must have the same shape: the same fields,
 * the same required ones, the same nullability, base types and closedness, and every enum the types
 * spell. The document may only narrow further (formats, patterns, integer for number, enums for strings).
 */

type Schema = Record<string, unknown>;

interface Shape {
  types: string[];
  enum?: unknown[];
  properties?: Record<string, Shape>;
  required?: string[];
  closed?: boolean;
  items?: Shape;
}

const openApi = JSON.parse(readFileSync(join(DOCS_DIR, 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
  components: { schemas: Record<string, Schema> };
};

function openApiResolve(schema: Schema): Schema {
  if (typeof schema.$ref === 'string') return openApiResolve(openApi.components.schemas[schema.$ref.replace('#/components/schemas/', '')]);
  // @nestjs/swagger wraps a referenced enum in allOf to keep the property's own description.
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1) {
    const { allOf, ...rest } = schema;
    return { ...rest, ...openApiResolve(allOf[0] as Schema) };
  }
  return schema;
}

/** The shape of an OpenAPI 3.0 schema: `nullable` as a null type, integer as number. */
function openApiShape(raw: Schema): Shape {
  const schema = openApiResolve(raw);
  const base = schema.type === 'integer' ? 'number' : (schema.type as string | undefined);
  const types = [...(base ? [base] : []), ...(schema.nullable === true ? ['null'] : [])].sort();
  return shapeOf(schema, types, openApiShape);
}

function typeShape(raw: Schema, definitions: Record<string, Schema>): Shape {
  const schema = typeof raw.$ref === 'string' ? definitions[raw.$ref.replace('#/definitions/', '')] : raw;
  const types = (Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string]).filter(Boolean).sort();
  const withConst = 'const' in schema ? { ...schema, enum: [schema.const] } : schema;
  return shapeOf(withConst, types, (child) => typeShape(child, definitions));
}

function shapeOf(schema: Schema, types: string[], child: (schema: Schema) => Shape): Shape {
  const shape: Shape = { types };
  if (Array.isArray(schema.enum)) shape.enum = [...schema.enum].sort();
  if (schema.properties) {
    shape.properties = Object.fromEntries(Object.entries(schema.properties as Record<string, Schema>).map(([name, property]) => [name, child(property)]));
    shape.required = [...((schema.required as string[] | undefined) ?? [])].sort();
    shape.closed = schema.additionalProperties === false;
  }
  if (schema.items) shape.items = child(schema.items as Schema);
  return shape;
}

/** The document's shape, with enums dropped where the type has none (the document may narrow a string). */
function narrowedTo(documented: Shape, typed: Shape): Shape {
  const shape: Shape = { ...documented };
  if (!typed.enum) delete shape.enum;
  if (documented.properties && typed.properties) {
    shape.properties = Object.fromEntries(
      Object.entries(documented.properties).map(([name, property]) => [
        name,
        typed.properties?.[name] ? narrowedTo(property, typed.properties[name]) : property,
      ]),
    );
  }
  if (documented.items && typed.items) shape.items = narrowedTo(documented.items, typed.items);
  return shape;
}

function documentedBody(operation: string): Schema | undefined {
  const [method, path, status] = operation.split(' ');
  return openApi.paths[path]?.[method.toLowerCase()]?.responses[status]?.content?.['application/json']?.schema;
}

describe('docs/openapi.json success bodies', () => {
  const operations = Object.entries(HTTP_RESPONSE_BODIES);

  it('name a schema for every operation whose body type the services declare', () => {
    const missing = operations.filter(([operation]) => documentedBody(operation) === undefined).map(([operation]) => operation);

    expect(operations.length).toBeGreaterThanOrEqual(20);
    expect(missing).toEqual([]);
  });

  it.each(operations)('%s has the shape of the service type %s', (operation, type) => {
    const generated = JSON.parse(readFileSync(join(DOCS_DIR, 'schemas', httpSchemaFile(type)), 'utf8')) as Schema;
    const typed = typeShape(generated, (generated.definitions as Record<string, Schema> | undefined) ?? {});
    const documented = openApiShape(documentedBody(operation) ?? {});

    expect(narrowedTo(documented, typed)).toEqual(typed);
  });

  it('tells a drifted body apart: a field the type lacks, a lost null, an open object', () => {
    const order = openApiShape(documentedBody('POST /api/v1/orders 201') ?? {});
    const generated = JSON.parse(readFileSync(join(DOCS_DIR, 'schemas', httpSchemaFile('Order')), 'utf8')) as Schema;
    const typed = typeShape(generated, {});

    expect(narrowedTo({ ...order, properties: { ...order.properties, extra: { types: ['string'] } } }, typed)).not.toEqual(typed);
    expect(narrowedTo({ ...order, properties: { ...order.properties, total_amount: { types: ['number'] } } }, typed)).not.toEqual(typed);
    expect(narrowedTo({ ...order, closed: false }, typed)).not.toEqual(typed);
  });
});
