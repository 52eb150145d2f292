import { Injectable, OnModuleInit } from '@nestjs/common';
import { ServiceLifecycle } from '@order-saga/shared/observability';
import { DataSource } from 'typeorm';

/** Readiness depends on the service's own database: without it no request or message can succeed. */
@Injectable()
export class DatabaseReadiness implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly lifecycle: ServiceLifecycle,
  ) {}

  onModuleInit(): void {
    this.lifecycle.addReadinessCheck({
      name: 'database',
      critical: true,
      check: async () => {
        await this.dataSource.query('SELECT 1');
      },
    });
  }
}
