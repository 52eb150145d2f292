import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { metricsRegistry } from './metrics-registry';

/** Prometheus scrape endpoint (text exposition format). Not under /api: only the cluster scrapes it. */
@Controller('metrics')
export class MetricsHttpController {
  @Get()
  async scrape(@Res() response: Response): Promise<void> {
    response.setHeader('Content-Type', metricsRegistry.contentType);
    response.send(await metricsRegistry.metrics());
  }
}
