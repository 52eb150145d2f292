import { INestApplication } from '@nestjs/common';
import { BaseServiceConfig } from '@order-saga/shared/config';
import type { PinoLogger } from 'nestjs-pino';
import { ServiceLifecycle } from './service-lifecycle';

/**
 * SIGTERM/SIGINT run Nest's shutdown (destroy hooks → drain delay → HTTP server close, which lets
 * in-flight requests finish → Kafka consumer disconnect, which waits for the messages in hand and
 * commits their offsets → outbox flush → pools closed) and then exit 0. If that takes longer than
 * SHUTDOWN_TIMEOUT_MS, the process exits 1 instead of hanging until the orchestrator's SIGKILL; the
 * outbox and inbox make an unfinished shutdown safe, only slower to recover.
 */
export function enableGracefulShutdown(app: INestApplication, logger: PinoLogger): void {
  const config = app.get(BaseServiceConfig, { strict: false });
  const timeoutMs = config.SHUTDOWN_TIMEOUT_MS;
  const lifecycle = lifecycleOf(app);
  if (lifecycle) lifecycle.drainDelayMs = config.SHUTDOWN_DRAIN_DELAY_MS;
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    lifecycle?.markDraining();
    logger.info({ signal, timeout_ms: timeoutMs }, `${signal} received: draining (bound ${timeoutMs} ms)`);
    setTimeout(() => {
      logger.error({ timeout_ms: timeoutMs }, `shutdown did not finish within ${timeoutMs} ms; exiting 1`);
      process.exit(1);
    }, timeoutMs).unref();
  };
  // Registered before Nest's own listener, so readiness turns false before any hook runs.
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  // useProcessExit: exit 0 after the hooks instead of re-raising the signal (which would end the
  // process "killed by SIGTERM", not with the clean exit the orchestrator and our tests look for).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
}

/** After HTTP listens and the consumers run: readiness may now answer 200. */
export function markServiceReady(app: INestApplication): void {
  lifecycleOf(app)?.markReady();
}

function lifecycleOf(app: INestApplication): ServiceLifecycle | undefined {
  try {
    return app.get(ServiceLifecycle, { strict: false });
  } catch {
    return undefined;
  }
}
