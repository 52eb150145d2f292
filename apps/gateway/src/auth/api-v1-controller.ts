import { applyDecorators, Controller, UseFilters, UseGuards } from '@nestjs/common';
import { GatewayErrorFilter } from '../errors/gateway-error.filter';
import { AccessTokenGuard } from './access-token.guard';

/**
 * Every controller of the public /api/v1 surface: behind the access token guard, with the
 * gateway's error headers. Each route still names its scope with @RequireScope.
 */
export function ApiV1Controller(path: string): ClassDecorator {
  return applyDecorators(Controller(`api/v1/${path}`), UseGuards(AccessTokenGuard), UseFilters(GatewayErrorFilter));
}
