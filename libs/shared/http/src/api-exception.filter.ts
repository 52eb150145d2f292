import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, ErrorCode } from './domain-error';
import { errorBody, HTTP_STATUS_BY_CODE } from './error-body';

const CODE_BY_HTTP_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_ERROR',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'RATE_LIMIT_EXCEEDED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Errors raised by express' body parser before Nest sees the request. */
interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && 'type' in error && 'status' in error;
}

/**
 * The one place where failures become HTTP responses, in the spec's error format. Unknown errors
 * are logged with their stack and answered as INTERNAL_ERROR without leaking internals.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ApiExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const request = host.switchToHttp().getRequest<Request & { id?: string }>();
    const response = host.switchToHttp().getResponse<Response>();
    const requestId = String(request.id ?? request.headers['x-request-id'] ?? '');

    if (exception instanceof DomainError) {
      const status = HTTP_STATUS_BY_CODE[exception.code];
      response.status(status).json(errorBody(exception.code, exception.message, requestId, exception.details, exception.extra));
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = CODE_BY_HTTP_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR');
      const message = status === HttpStatus.NOT_FOUND ? 'Requested resource does not exist' : exception.message;
      response.status(status).json(errorBody(code, message, requestId));
      return;
    }
    if (isBodyParserError(exception) && exception.status >= 400 && exception.status < 500) {
      const message =
        exception.type === 'entity.parse.failed'
          ? 'Request body is not valid JSON'
          : exception.type === 'entity.too.large'
            ? 'Request body is too large'
            : 'Request body could not be read';
      response.status(exception.status).json(errorBody('VALIDATION_ERROR', message, requestId));
      return;
    }
    this.logger.error({ err: exception, request_id: requestId }, 'unhandled error');
    response.status(500).json(errorBody('INTERNAL_ERROR', 'Unexpected server error', requestId));
  }
}
