import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { OAuthErrorResponseDto } from '@order-saga/contracts/http';
import type { Response } from 'express';
import { REALM } from '../access-tokens';
import { OAuthError } from './oauth-error';

/** RFC 6749 §5.2 error responses of the token endpoint. */
@Catch(OAuthError)
export class OAuthErrorFilter implements ExceptionFilter {
  catch(error: OAuthError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Pragma', 'no-cache');
    // A 401 must name the scheme the client can authenticate with; Basic is the one RFC 6749 requires.
    if (error.status === 401) response.setHeader('WWW-Authenticate', `Basic realm="${REALM}"`);
    const body: OAuthErrorResponseDto = { error: error.error, error_description: error.description };
    response.status(error.status).json(body);
  }
}
