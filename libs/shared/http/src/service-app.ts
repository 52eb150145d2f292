import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { pinoLoggerFor, REQUEST_ID_HEADER, requestIdOf } from '@order-saga/shared/logging';
import { enableGracefulShutdown, httpObservability, markServiceReady } from '@order-saga/shared/observability';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiExceptionFilter, bodyParserMessage, isBodyParserError } from './api-exception.filter';
import { DomainError } from './domain-error';
import { errorBody } from './error-body';
import { JsonBodyReader } from './json-body';
import { jsonStructureLimitsFromEnv } from './json-body-limits.config';
import { createValidationPipe } from './validation.pipe';

export interface ServiceAppOptions {
  /** Largest JSON body accepted; body-parser syntax ('100kb'). */
  jsonLimit?: string;
  /**
   * 'parse' (default): every JSON body is read, checked and parsed before routing. 'on-demand': JSON
   * bodies are left unread for the app to read with its own JsonBodyReader (the gateway reads a body only
   * once the request is authenticated, within its rate limit and admitted, and relays it unparsed).
   */
  jsonBodies?: 'parse' | 'on-demand';
  /** Form bodies; `extended: false` keeps `a[b]=c` flat (the OAuth token endpoint wants that). */
  urlencoded?: { extended: boolean; limit: string };
}

/** A Nest app with the platform's logger, error format, body parsing, validation and shutdown hooks. */
export async function createServiceApp(module: Type<unknown>, options: ServiceAppOptions = {}): Promise<INestApplication> {
  // Nest's own parsers are off: registered here, they come after the request id and before the
  // middleware that turns their errors into domain errors.
  const app = await NestFactory.create<NestExpressApplication>(module, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  // First, so the request's span and duration cover everything after it, the request log included.
  app.use(httpObservability());
  // pino-http assigns the request id only after the body parsers ran, so a malformed body would be
  // answered without one; pino-http keeps an id that is already there.
  app.use((request: Request & { id?: string }, response: Response, next: NextFunction) => {
    request.id ??= requestIdOf(request);
    response.setHeader(REQUEST_ID_HEADER, request.id);
    next();
  });
  if (options.jsonBodies !== 'on-demand') {
    app.use(new JsonBodyReader({ limit: options.jsonLimit ?? '100kb', structure: jsonStructureLimitsFromEnv() }).middleware());
  }
  app.useBodyParser('urlencoded', options.urlencoded ?? { extended: true, limit: '100kb' });
  app.use(bodyParserErrorsAsDomainErrors);
  app.useGlobalFilters(new ApiExceptionFilter(await pinoLoggerFor(app, ApiExceptionFilter.name)));
  const validation = createValidationPipe();
  // Every body DTO is loaded by now (the controllers import them): a compiled check that cannot be built fails here.
  validation.compileMarkedBodies();
  app.useGlobalPipes(validation);
  enableGracefulShutdown(app, await pinoLoggerFor(app, 'Shutdown'));
  return app;
}

/**
 * Nest would turn the parser's SyntaxError into a BadRequestException carrying the parser's own text
 * ("Unexpected end of JSON input") and lose which parser error it was; this keeps the kind and says it
 * in the API's words.
 */
function bodyParserErrorsAsDomainErrors(error: unknown, _request: Request, _response: Response, next: NextFunction): void {
  next(isBodyParserError(error) && error.status < 500 ? new DomainError('VALIDATION_ERROR', bodyParserMessage(error)) : error);
}

/**
 * Order matters: init runs migrations and starts the outbox relay before any Kafka message is
 * consumed or any HTTP request is accepted.
 */
export async function startServiceApp(app: INestApplication, port: number): Promise<void> {
  await app.init();
  await app.startAllMicroservices();
  answerUnparsableRequestsInFormat(app.getHttpServer() as Server);
  await app.listen(port, '0.0.0.0');
  markServiceReady(app);
}

/**
 * Requests Node's HTTP parser rejects (a bad header, an oversized header block) never reach express;
 * Node would answer a bare `400 Bad Request` without a body. This answers them in the error format.
 */
export function answerUnparsableRequestsInFormat(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const body = JSON.stringify(errorBody('VALIDATION_ERROR', tooLarge ? 'Request headers are too large' : 'Malformed HTTP request', randomUUID()));
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
