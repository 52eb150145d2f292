import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import specs from '@asyncapi/specs';
import { RESERVE_STOCK, STOCK_RESERVED } from '@order-saga/contracts';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { asyncApiDocument } from './asyncapi';
import { DOCS_DIR, driftFrom, generatedFiles } from './generate';
import { messageDefinitions, messageSchemaFile, messageSchemas } from './message-schemas';

describe('generated contracts', () => {
  let files: Record<string, string>;

  beforeAll(() => {
    files = generatedFiles();
  }, 60_000);

  it('are the committed docs/asyncapi.yaml and docs/schemas/** (run contracts-gen:generate when this fails)', () => {
    expect(driftFrom(files)).toEqual({ changed: [], missing: [], stale: [] });
  });

  it('describe every message the contracts library defines, each on its own topic channel', () => {
    const document = asyncApiDocument() as { channels: Record<string, { messages: Record<string, unknown> }> };
    const definitions = messageDefinitions();

    expect(definitions.length).toBeGreaterThanOrEqual(15);
    for (const definition of definitions) {
      expect(files[`schemas/${messageSchemaFile(definition)}`]).toBeDefined();
      expect(Object.keys(document.channels[definition.topic].messages)).toContain(definition.type);
    }
  });

  it('form a valid AsyncAPI 3.0.0 document', () => {
    // The AsyncAPI schema bundles its own copy of the draft-07 meta-schema, which would clash with Ajv's.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, meta: false, validateSchema: false });
    const validate = ajv.compile(specs.schemas['3.0.0'] as object);
    const committed = parse(readFileSync(join(DOCS_DIR, 'asyncapi.yaml'), 'utf8'));

    const valid = validate(committed);

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  describe('a message schema', () => {
    const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
    const schemas = messageSchemas();
    const reserveStock = ajv.compile(schemas[messageSchemaFile(RESERVE_STOCK)]);
    const envelope = {
      messageId: randomUUID(),
      type: 'ReserveStock',
      correlationId: 'ORD-1',
      causationId: null,
      occurredAt: '2024-01-15T10:30:00.000Z',
      requestId: 'demo-1',
      traceparent: null,
      payload: { orderId: 'ORD-1', items: [{ productId: 'SKU-001', quantity: 2, expectedUnitPriceCents: 2999 }] },
    };

    it('accepts an envelope as the outbox writes it, nulls included', () => {
      expect(reserveStock(envelope)).toBe(true);
    });

    it('rejects a renamed payload field, a quantity below 1, another type name and a non-UUID message id', () => {
      expect(reserveStock({ ...envelope, payload: { order_id: 'ORD-1', items: envelope.payload.items } })).toBe(false);
      expect(reserveStock({ ...envelope, payload: { ...envelope.payload, items: [{ productId: 'SKU-001', quantity: 0 }] } })).toBe(false);
      expect(reserveStock({ ...envelope, type: 'StockReserved' })).toBe(false);
      expect(reserveStock({ ...envelope, messageId: 'm-1' })).toBe(false);
    });

    it('carries the nested classes inherited fields: a StockReserved line without unitPriceCents fails', () => {
      const stockReserved = ajv.compile(schemas[messageSchemaFile(STOCK_RESERVED)]);
      const reply = { ...envelope, type: 'StockReserved', causationId: randomUUID() };
      const payload = { orderId: 'ORD-1', reservationId: randomUUID(), totalCents: 5998, currency: 'USD' };

      expect(stockReserved({ ...reply, payload: { ...payload, items: [{ productId: 'SKU-001', quantity: 2, unitPriceCents: 2999 }] } })).toBe(true);
      expect(stockReserved({ ...reply, payload: { ...payload, items: [{ productId: 'SKU-001', quantity: 2 }] } })).toBe(false);
    });
  });
});
