import { Type } from '@nestjs/common';
import { createValidationPipe, JsonBodyReader } from '@order-saga/shared/http';
import type { Request } from 'express';
import { requireJsonBody } from '../orders/list-orders/relay-input';

const validation = createValidationPipe();

/**
 * A body the gateway itself reads (the sign-in), rather than relays: read with the checks of every relayed body
 * (JSON only, size, charset, structure), then validated by the contract class like the services validate theirs.
 * Insisting on application/json also keeps a cross-site HTML form from posting a sign-in.
 */
export async function readJsonBody<T extends object>(reader: JsonBodyReader, request: Request, type: Type<T>): Promise<T> {
  const body = await reader.read(requireJsonBody(request).request);
  const value: unknown = body === undefined ? {} : JSON.parse(body.bytes.toString('utf8'));
  return (await validation.transform(value, { type: 'body', metatype: type })) as T;
}
