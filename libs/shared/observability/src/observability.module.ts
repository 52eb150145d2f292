import { DynamicModule, Module, OnApplicationShutdown } from '@nestjs/common';
import { BaseServiceConfig } from '@order-saga/shared/config';
import { TerminusModule } from '@nestjs/terminus';
import { HealthHttpController } from './health/health.http.controller';
import { ServiceLifecycleModule } from './lifecycle/service-lifecycle.module';
import { MetricsHttpController } from './metrics/metrics.http.controller';
import { initMetrics } from './metrics/metrics-registry';
import { TracesSampler } from './tracing/sampler';
import { startTracing, stopTracing, tracesExporterOf } from './tracing/tracing';

const TRACING_STARTER = Symbol('TRACING_STARTER');

class TracingShutdown implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await stopTracing();
  }
}

/**
 * /health/live, /health/ready, /metrics and tracing for one service. Metrics carry a `service`
 * label; spans a `service.name`. Tracing starts while the module is built, before any request or
 * message can arrive.
 */
@Module({})
export class ObservabilityModule {
  static forRoot(service: string): DynamicModule {
    initMetrics(service);
    return {
      module: ObservabilityModule,
      imports: [ServiceLifecycleModule, TerminusModule.forRoot({ logger: false })],
      controllers: [HealthHttpController, MetricsHttpController],
      providers: [
        {
          provide: TRACING_STARTER,
          inject: [BaseServiceConfig],
          useFactory: (config: BaseServiceConfig) => {
            startTracing({
              service: config.OTEL_SERVICE_NAME ?? service,
              exporter: tracesExporterOf((name) => config[name]),
              otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
              file: config.OTEL_TRACES_FILE,
              sampler: config.OTEL_TRACES_SAMPLER as TracesSampler | undefined,
              samplerRatio: config.OTEL_TRACES_SAMPLER_ARG,
            });
            return true;
          },
        },
        TracingShutdown,
      ],
    };
  }
}
