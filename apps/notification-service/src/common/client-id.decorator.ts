import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { DomainError } from '@order-saga/shared/http';
import type { Request } from 'express';

/**
 * The API client on whose behalf the gateway calls, from the `x-client-id` header it sets after verifying
 * the token. Every endpoint and delivery is scoped to it: another client's id reads as "does not exist".
 */
export const ClientId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const value = context.switchToHttp().getRequest<Request>().headers['x-client-id'];
  if (typeof value !== 'string' || value.length === 0) throw new DomainError('UNAUTHORIZED', 'Missing client identity');
  return value;
});
