import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { spanIdOf, traceIdOf } from './trace-context';

export const REQUEST_ID_HEADER = 'x-request-id';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A client's X-Request-ID when it is a sane token; otherwise a fresh UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * Secrets never reach a log line: credentials in headers, and any field named like a secret at the
 * top level or one or two levels down (a logged DTO, an error's details).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'req.query.client_secret',
  'req.query.access_token',
  ...['client_secret', 'secret', 'secrets', 'password', 'access_token', 'refresh_token', 'token', 'authorization', 'signing_secret', 'webhook_secret'].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

/**
 * JSON logs through pino for HTTP and everything else. Every HTTP log line carries request_id and
 * trace_id; Kafka consumers add order_id / message_id themselves through a child logger.
 */
@Module({})
export class LoggingModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            pinoHttp: {
              level: config.get<string>('LOG_LEVEL') ?? 'info',
              base: { service },
              messageKey: 'message',
              timestamp: () => `,"time":"${new Date().toISOString()}"`,
              formatters: { level: (label: string) => ({ level: label }) },
              redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
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
            },
          }),
        }),
      ],
    };
  }
}
