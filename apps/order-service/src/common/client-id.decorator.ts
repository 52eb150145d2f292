import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { DomainError } from '@order-saga/shared/http';
import type { Request } from 'express';

/**
 * The API client on whose behalf the gateway calls, from the `x-client-id` header it sets after
 * verifying the token. Everything a client creates is scoped to it.
 */
export const ClientId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const value = context.switchToHttp().getRequest<Request>().headers['x-client-id'];
  if (typeof value !== 'string' || value.length === 0) {
    throw new DomainError('UNAUTHORIZED', 'Missing client identity');
  }
  return value;
});

/** Request metadata that travels with the saga's messages. */
export interface RequestMeta {
  requestId: string | null;
  traceparent: string | null;
  idempotencyKey: string | null;
}

export const RequestMetadata = createParamDecorator((_: unknown, context: ExecutionContext): RequestMeta => {
  const request = context.switchToHttp().getRequest<Request & { id?: string }>();
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' && value.length > 0 ? value : null;
  };
  return {
    requestId: request.id ?? header('x-request-id'),
    traceparent: header('traceparent'),
    idempotencyKey: header('x-idempotency-key'),
  };
});
