import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { traceIdOf } from './trace-context';

export const REQUEST_ID_HEADER = 'x-request-id';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A client's X-Request-ID when it is a sane token; otherwise a fresh UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

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
              redact: ['req.headers.authorization', 'req.headers.cookie'],
              genReqId: (req: IncomingMessage, res: ServerResponse) => {
                const id = requestIdOf(req);
                res.setHeader('X-Request-ID', id);
                return id;
              },
              customProps: (req: IncomingMessage) => ({
                request_id: (req as IncomingMessage & { id?: string }).id,
                trace_id: traceIdOf(req.headers.traceparent as string | undefined),
              }),
              autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health/live' || req.url === '/health/ready' },
            },
          }),
        }),
      ],
    };
  }
}
