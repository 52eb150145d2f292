import { Controller, Get, Res } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { Response } from 'express';
import { ReadinessCheck, ServiceLifecycle } from '../lifecycle/service-lifecycle';

/** A dependency that has not answered in this long counts as down; a probe must not hang. */
const CHECK_TIMEOUT_MS = 2_000;

/**
 * Liveness: the process runs and its event loop answers; it never looks at dependencies, so an
 * outage of PostgreSQL or Kafka does not get every replica restarted.
 * Readiness: 200 only while ready (not starting, not draining) and every critical dependency
 * answers. Answered directly, not through the API error format: the body is terminus's report.
 */
@Controller('health')
export class HealthHttpController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly lifecycle: ServiceLifecycle,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() response: Response): Promise<void> {
    if (this.lifecycle.state !== 'ready') return this.notReady(response);
    let report: object;
    let healthy: boolean;
    try {
      report = await this.health.check(this.lifecycle.readinessChecks().map((check) => () => this.run(check)));
      healthy = true;
    } catch (error) {
      report = ((error as { getResponse?: () => unknown }).getResponse?.() ?? { status: 'error' }) as object;
      healthy = false;
    }
    // A SIGTERM during the checks (shutdown hooks may already be closing what they check): the answer is
    // the draining one, not a failed check under a stale "ready".
    if (this.lifecycle.state !== 'ready') return this.notReady(response);
    response.status(healthy ? 200 : 503).json({ ...report, state: 'ready' });
  }

  private notReady(response: Response): void {
    response.status(503).json({ status: 'error', state: this.lifecycle.state, info: {}, error: {}, details: {} });
  }

  private async run(check: ReadinessCheck): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(check.name);
    try {
      await withTimeout(check.check(), CHECK_TIMEOUT_MS);
      return session.up();
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      if (!check.critical) return session.up({ degraded: true, message });
      return session.down({ message });
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
