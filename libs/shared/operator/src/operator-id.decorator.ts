import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { isOperatorId, OPERATOR_ID_HEADER } from '@order-saga/contracts/http/operator';
import { DomainError } from '@order-saga/shared/http';
import type { Request } from 'express';

/**
 * The operator on whose behalf the gateway calls an operator route, from the header it sets after checking
 * the operator's session. An action without one is refused: every action is recorded with who took it.
 */
export const OperatorId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const value = context.switchToHttp().getRequest<Request>().headers[OPERATOR_ID_HEADER];
  if (!isOperatorId(value)) {
    throw new DomainError('UNAUTHORIZED', 'Missing operator identity', [{ field: OPERATOR_ID_HEADER, error: 'Must name the operator' }]);
  }
  return value;
});
