import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DynamicModule, Module } from '@nestjs/common';
import { BaseServiceConfig } from '@order-saga/shared/config';
import { LoggerModule } from 'nestjs-pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import type { LoggerOptions } from 'pino';
import { headersWithoutCredentials, withoutSecrets } from './redaction';
import { spanIdOf, traceIdOf } from './trace-context';

export const REQUEST_ID_HEADER = 'x-request-id';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A client's X-Request-ID when it is a sane token; otherwise a fresh UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** A request as its log line shows it: its headers (credentials redacted), not its parsed query or route params. */
export function requestOfLog(req: IncomingMessage & { id?: string; originalUrl?: string }) {
  return {
    id: req.id,
    method: req.method,
    url: req.originalUrl ?? req.url,
    headers: headersWithoutCredentials(req.headers),
    remoteAddress: req.socket?.remoteAddress,
  };
}

/** A response as its log line shows it. */
export function responseOfLog(res: ServerResponse) {
  return { statusCode: res.statusCode };
}

/**
 * Every line of a service: JSON with `time`, `level` as a word, `service`, and no secret (redaction.ts).
 * Secrets are censored in the finished line (the `streamWrite` hook) instead of by pino's `redact` paths:
 * a wildcard path (`*.secret`) makes pino pass every field of every line through @pinojs/redact, which
 * copies the value and parses its paths again on each call; measured, that was 40 % of what the gateway
 * allocated per request and 16 % of order-service's (docs/performance.md). The request serializer
 * censors the credential headers itself, so a request line needs no second pass.
 */
export function pinoOptions(service: string, level: string): LoggerOptions {
  return {
    level,
    base: { service },
    messageKey: 'message',
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: {
      level: (label: string) => ({ level: label }),
    },
    hooks: { streamWrite: withoutSecrets },
    // The default serializers also copied every response header, the parsed query and the route params into
    // each request line; the response's headers say nothing the line's ids and status do not.
    serializers: { req: requestOfLog, res: responseOfLog },
  };
}

/** pino-http's settings for a service: the request log line and every other line of the process. */
export function pinoHttpOptions(service: string, level: string): PinoHttpOptions {
  return {
    ...pinoOptions(service, level),
    wrapSerializers: false,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const id = requestIdOf(req);
      res.setHeader('X-Request-ID', id);
      return id;
    },
    customProps: (req: IncomingMessage) => ({
      request_id: (req as IncomingMessage & { id?: string }).id,
      // The server span's own traceparent by now (httpObservability replaced the caller's).
      trace_id: traceIdOf(req.headers.traceparent as string | undefined),
      span_id: spanIdOf(req.headers.traceparent as string | undefined),
    }),
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health/live' || req.url === '/health/ready' },
  };
}

/**
 * JSON logs through pino for HTTP and everything else, at the service's LOG_LEVEL (BaseServiceConfig,
 * registered by TypedConfigModule.forRoot). Every HTTP log line carries request_id and
 * trace_id; Kafka consumers add order_id / message_id themselves through a child logger.
 */
@Module({})
export class LoggingModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [BaseServiceConfig],
          useFactory: (config: BaseServiceConfig) => ({ pinoHttp: pinoHttpOptions(service, config.LOG_LEVEL) }),
        }),
      ],
    };
  }
}
