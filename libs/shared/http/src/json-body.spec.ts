import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import express, { NextFunction, Request, Response } from 'express';
import { DomainError } from './domain-error';
import { JsonBodyReader } from './json-body';
import { DEFAULT_JSON_STRUCTURE_LIMITS } from './json-structure';

/** The services' JSON body middleware on a real HTTP server: what reaches the route, and what is refused before. */
let server: Server;
let url: string;

beforeAll(async () => {
  const app = express();
  app.use(new JsonBodyReader({ limit: '1kb', structure: { ...DEFAULT_JSON_STRUCTURE_LIMITS, maxArrayLength: 3 } }).middleware());
  app.post('/', (request: Request, response: Response) => {
    const body = request.body as unknown;
    response.json({ parsed: body ?? null, plainObject: typeof body === 'object' && body !== null && Object.getPrototypeOf(body) === Object.prototype });
  });
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- express knows an error handler by its four parameters
  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    response
      .status(400)
      .json(error instanceof DomainError ? { code: error.code, message: error.message, details: error.details } : { unexpected: String(error) });
  });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function post(body: string, contentType = 'application/json'): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('JsonBodyReader middleware', () => {
  it('parses a JSON body within the limits into request.body', async () => {
    expect(await post('{"items": [1, 2, 3], "name": "Ω"}')).toEqual({ status: 200, json: { parsed: { items: [1, 2, 3], name: 'Ω' }, plainObject: true } });
  });

  it('parses an empty JSON body as {}', async () => {
    expect((await post('')).json).toMatchObject({ parsed: {} });
  });

  it('drops a UTF-8 byte order mark before the JSON, as body-parser does', async () => {
    expect((await post('\uFEFF{"name": "Ω"}')).json).toEqual({ parsed: { name: 'Ω' }, plainObject: true });
  });

  it('reads a gzip-compressed or a chunked body like a plain one', async () => {
    const compressed = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync('{"items": [1]}'),
    });
    const chunked = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Readable.toWeb(Readable.from(['{"items"', ': [2]}'])) as ReadableStream,
      duplex: 'half',
    } as RequestInit);

    expect(await compressed.json()).toEqual({ parsed: { items: [1] }, plainObject: true });
    expect(await chunked.json()).toEqual({ parsed: { items: [2] }, plainObject: true });
  });

  it('leaves bodies of other types to other parsers', async () => {
    expect((await post('a=1', 'application/x-www-form-urlencoded')).json).toEqual({ parsed: null, plainObject: false });
  });

  it.each([
    ['malformed JSON', '{"a": [1,', { message: 'Malformed JSON body' }, undefined],
    [
      'a prototype key',
      '{"a": {"constructor": {"prototype": {}}}}',
      { message: 'Request validation failed', details: [{ field: 'a.constructor', error: 'property constructor should not exist' }] },
      undefined,
    ],
    ['an array past the limit', '{"items": [1, 2, 3, 4]}', { details: [{ field: 'items', error: 'Must have at most 3 items' }] }, undefined],
    [
      '5,000 nested objects (over the size limit)',
      '{"a":'.repeat(5000) + '1' + '}'.repeat(5000),
      { message: 'Request body exceeds the limit of 1024 bytes' },
      undefined,
    ],
    ['a charset JSON may not use', '{}', { message: 'Unsupported charset "latin1"; send UTF-8' }, 'application/json; charset=latin1'],
  ])('refuses %s with a VALIDATION_ERROR before the route', async (_name, body, expected, contentType) => {
    const response = await post(body, contentType);

    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ code: 'VALIDATION_ERROR', ...expected });
  });
});
