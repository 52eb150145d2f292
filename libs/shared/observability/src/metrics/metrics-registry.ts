import { collectDefaultMetrics, Counter, CounterConfiguration, Gauge, GaugeConfiguration, Histogram, HistogramConfiguration, register } from 'prom-client';

/*
 * The process's one prom-client registry, the one /metrics serves, and the helpers that define a metric in
 * it. The shared libraries define the metrics of what they do (platform.metrics.ts); each service defines
 * its own in a metrics provider registered in its module (e.g. notification-service's
 * WebhookDeliveryMetrics). Names and labels are the metrics contract of docs/deployment.md.
 */

let initialised: string | undefined;

/** Adds the `service` label to every series and turns on the default process metrics. Once per process. */
export function initMetrics(service: string): void {
  if (initialised) return;
  initialised = service;
  register.setDefaultLabels({ service });
  collectDefaultMetrics({ register });
}

export const metricsRegistry = register;

/** Seconds; covers the SLA thresholds (200 ms p95, 500 ms p99) with buckets on each side. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30];

/*
 * A metric is defined once per process: a provider made again (a second Nest app in a test, a handler
 * built by hand next to the module's) gets the series already registered under that name, counts and all.
 */

export function defineCounter<L extends string = string>(config: CounterConfiguration<L>): Counter<L> {
  return (register.getSingleMetric(config.name) as Counter<L> | undefined) ?? new Counter({ ...config, registers: [register] });
}

export function defineGauge<L extends string = string>(config: GaugeConfiguration<L>): Gauge<L> {
  return (register.getSingleMetric(config.name) as Gauge<L> | undefined) ?? new Gauge({ ...config, registers: [register] });
}

export function defineHistogram<L extends string = string>(config: HistogramConfiguration<L>): Histogram<L> {
  return (register.getSingleMetric(config.name) as Histogram<L> | undefined) ?? new Histogram({ ...config, registers: [register] });
}

/**
 * A gauge whose value is read when Prometheus scrapes, e.g. a row count, so it is right after a
 * restart and across replicas. A failed read reports nothing rather than a stale number. Defining it
 * again replaces the reader (the newest app's database is the one to count).
 */
export function gaugeReadAtScrape(name: string, help: string, read: () => Promise<number>): void {
  register.removeSingleMetric(name);
  new Gauge({
    name,
    help,
    registers: [register],
    async collect() {
      try {
        this.set(await read());
      } catch {
        this.set(Number.NaN);
      }
    },
  });
}
