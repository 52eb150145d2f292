import type { INestApplicationContext } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';

/**
 * The service's PinoLogger for code Nest does not construct (a filter made with `new`, a bootstrap
 * function): its lines carry `context` like an injected `@InjectPinoLogger(context)` one, and the
 * request's bindings when written while a request is handled.
 */
export async function pinoLoggerFor(app: INestApplicationContext, context: string): Promise<PinoLogger> {
  const logger = await app.resolve(PinoLogger);
  logger.setContext(context);
  return logger;
}
