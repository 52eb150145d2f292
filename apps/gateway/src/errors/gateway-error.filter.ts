import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { ApiExceptionFilter } from '@order-saga/shared/http';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Response } from 'express';
import { GatewayError } from './gateway-error';

/**
 * Sets a GatewayError's headers, then leaves the body to the shared filter so the error format stays
 * in one place. Bound per controller (see ApiV1Controller): a second global catch-all filter would
 * race the shared one, whichever Nest happens to try first.
 */
@Catch(GatewayError)
export class GatewayErrorFilter implements ExceptionFilter {
  private readonly apiFilter: ApiExceptionFilter;

  constructor(@InjectPinoLogger(ApiExceptionFilter.name) logger: PinoLogger) {
    this.apiFilter = new ApiExceptionFilter(logger);
  }

  catch(error: GatewayError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    for (const [name, value] of Object.entries(error.headers)) response.setHeader(name, value);
    this.apiFilter.catch(error, host);
  }
}
