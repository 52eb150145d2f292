import { DynamicModule, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { HealthHttpController } from './health/health.http.controller';
import { ServiceLifecycleModule } from './lifecycle/service-lifecycle.module';
import { MetricsHttpController } from './metrics/metrics.http.controller';
import { initMetrics } from './metrics/platform.metrics';
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
          inject: [ConfigService],
          useFactory: (config: ConfigService) => {
            const ratio = config.get<string>('OTEL_TRACES_SAMPLER_ARG');
            startTracing({
              service: config.get<string>('OTEL_SERVICE_NAME') ?? service,
              exporter: tracesExporterOf((name) => config.get<string>(name)),
              otlpEndpoint: config.get<string>('OTEL_EXPORTER_OTLP_ENDPOINT'),
              file: config.get<string>('OTEL_TRACES_FILE'),
              sampler: config.get<TracesSampler>('OTEL_TRACES_SAMPLER'),
              samplerRatio: ratio === undefined || ratio === '' ? undefined : Number(ratio),
            });
            return true;
          },
        },
        TracingShutdown,
      ],
    };
  }
}
