import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { PinoLogger } from 'nestjs-pino';
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

/** Errors raised by express' body parser (http-errors objects) before Nest sees the request. */
export interface BodyParserError {
  type: string;
  status: number;
  limit?: number;
  charset?: string;
}

export function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && typeof (error as { type?: unknown }).type === 'string' && 'status' in error;
}

/**
 * The seed has no codes for 413 or 415, so an unreadable body is a VALIDATION_ERROR with the seed's
 * status for it (400): clients branch on error_code, and each code keeps exactly one status.
 */
export function bodyParserMessage(error: BodyParserError): string {
  switch (error.type) {
    case 'entity.parse.failed':
      return 'Malformed JSON body';
    case 'entity.too.large':
      return `Request body exceeds the limit of ${error.limit ?? 'the server'} bytes`;
    case 'charset.unsupported':
      return `Unsupported charset ${JSON.stringify(error.charset ?? '')}; send UTF-8`;
    case 'encoding.unsupported':
      return 'Unsupported Content-Encoding; send the body uncompressed';
    default:
      return 'Request body could not be read';
  }
}

/**
 * The one place where failures become HTTP responses, in the spec's error format. Unknown errors
 * are logged with their stack and answered as INTERNAL_ERROR without leaking internals.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: PinoLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const request = host.switchToHttp().getRequest<Request & { id?: string }>();
    const response = host.switchToHttp().getResponse<Response>();
    const requestId = String(request.id ?? request.headers['x-request-id'] ?? '');
    if (response.headersSent) {
      // Too late to answer in the error format; the client sees a cut-off response, the log says why.
      this.logger.error({ err: exception, request_id: requestId }, 'error after the response started');
      return;
    }

    if (exception instanceof DomainError) {
      const status = HTTP_STATUS_BY_CODE[exception.code];
      response.status(status).json(errorBody(exception.code, exception.message, requestId, exception.details, exception.extra));
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = CODE_BY_HTTP_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR');
      // Nest's own 4xx messages are safe to show (route not found, a pipe's complaint); a 5xx one may not be.
      const message =
        code === 'NOT_FOUND'
          ? 'Requested resource does not exist'
          : code === 'SERVICE_UNAVAILABLE'
            ? 'Service temporarily unavailable'
            : status >= 500
              ? 'Unexpected server error'
              : exception.message;
      if (status >= 500) this.logger.error({ err: exception, request_id: requestId }, 'HTTP exception');
      response.status(HTTP_STATUS_BY_CODE[code]).json(errorBody(code, message, requestId));
      return;
    }
    if (isBodyParserError(exception) && exception.status >= 400 && exception.status < 500) {
      response.status(HTTP_STATUS_BY_CODE.VALIDATION_ERROR).json(errorBody('VALIDATION_ERROR', bodyParserMessage(exception), requestId));
      return;
    }
    this.logger.error({ err: exception, request_id: requestId }, 'unhandled error');
    response.status(500).json(errorBody('INTERNAL_ERROR', 'Unexpected server error', requestId));
  }
}
