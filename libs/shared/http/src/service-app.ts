import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { REQUEST_ID_HEADER, requestIdOf } from '@order-saga/shared/logging';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { ApiExceptionFilter } from './api-exception.filter';
import { errorBody } from './error-body';
import { createValidationPipe } from './validation.pipe';

/** A Nest app with the platform's logger, error format, validation and shutdown hooks. */
export async function createServiceApp(module: Type<unknown>): Promise<INestApplication> {
  const app = await NestFactory.create(module, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // pino-http assigns the request id only after the body parsers ran, so a malformed body would be
  // answered without one; pino-http keeps an id that is already there.
  app.use((request: Request & { id?: string }, response: Response, next: NextFunction) => {
    request.id ??= requestIdOf(request);
    response.setHeader(REQUEST_ID_HEADER, request.id);
    next();
  });
  app.useGlobalFilters(new ApiExceptionFilter());
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  return app;
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
    const body = JSON.stringify(
      errorBody('VALIDATION_ERROR', tooLarge ? 'Request headers are too large' : 'Malformed HTTP request', randomUUID()),
    );
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
