import { DomainError } from '@order-saga/shared/http';
import type { Request } from 'express';
import { ClientJsonBody } from '../../upstream/upstream-service.proxy';

/**
 * A request's query parameters as single strings, for relaying to a service that validates them.
 * A parameter given twice (or in bracket form) has no single meaning, so it is refused here by name.
 */
export function singleValuedQuery(request: Request): Record<string, string> {
  const query: Record<string, string> = {};
  const details = [];
  for (const [name, value] of Object.entries(request.query)) {
    if (typeof value === 'string') query[name] = value;
    else details.push({ field: name, error: 'Must be given once, as a plain value' });
  }
  if (details.length > 0) throw new DomainError('VALIDATION_ERROR', 'Request validation failed', details);
  return query;
}

/**
 * The request's JSON body, to relay: the services read only JSON, so a form post must not slip through as
 * if it were one. Read later, by the proxy, once the call is admitted.
 */
export function requireJsonBody(request: Request): ClientJsonBody {
  if (!request.is('application/json')) {
    throw new DomainError('VALIDATION_ERROR', 'Request body must be JSON (Content-Type: application/json)');
  }
  return new ClientJsonBody(request);
}
