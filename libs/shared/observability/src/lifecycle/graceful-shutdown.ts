import { INestApplication, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ServiceLifecycle } from './service-lifecycle';

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;

/**
 * SIGTERM/SIGINT run Nest's shutdown (destroy hooks → drain delay → HTTP server close, which lets
 * in-flight requests finish → Kafka consumer disconnect, which waits for the messages in hand and
 * commits their offsets → outbox flush → pools closed) and then exit 0. If that takes longer than
 * SHUTDOWN_TIMEOUT_MS, the process exits 1 instead of hanging until the orchestrator's SIGKILL; the
 * outbox and inbox make an unfinished shutdown safe, only slower to recover.
 */
export function enableGracefulShutdown(app: INestApplication): void {
  const config = app.get(ConfigService, { strict: false });
  const timeoutMs = Number(config.get('SHUTDOWN_TIMEOUT_MS') ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
  const lifecycle = lifecycleOf(app);
  if (lifecycle) lifecycle.drainDelayMs = Number(config.get('SHUTDOWN_DRAIN_DELAY_MS') ?? 0);
  const logger = new Logger('Shutdown');
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    lifecycle?.markDraining();
    logger.log(`${signal} received: draining (bound ${timeoutMs} ms)`);
    setTimeout(() => {
      logger.error(`shutdown did not finish within ${timeoutMs} ms; exiting 1`);
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
