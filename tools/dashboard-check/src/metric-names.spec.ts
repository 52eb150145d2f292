import { dashboardQueries, committedQueries } from './queries';
import { exportedNamesOf, metricNamesOf, unknownMetrics } from './metric-names';

const EXPOSITION = [
  '# HELP order_saga_sagas_total Sagas finished, by outcome',
  '# TYPE order_saga_sagas_total counter',
  'order_saga_sagas_total{outcome="confirmed",service="order-service"} 3',
  '# HELP order_saga_saga_duration_seconds Saga start to outcome',
  '# TYPE order_saga_saga_duration_seconds histogram',
  '# TYPE order_saga_outbox_backlog gauge',
  'order_saga_outbox_backlog{service="order-service"} 0',
  'process_cpu_seconds_total{service="order-service"} 1.5',
].join('\n');

describe('metricNamesOf', () => {
  it('finds the selectors of a quantile over a histogram and leaves out functions, grouping labels and ranges', () => {
    expect(
      metricNamesOf(
        'histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket{service="gateway", method="POST"}[$__rate_interval])))',
      ),
    ).toEqual(['http_request_duration_seconds_bucket']);
  });

  it('finds both sides of a binary expression and skips numbers, keywords and strings', () => {
    const expr =
      'max(order_saga_sagas_in_flight) > 0 and sum(increase(order_saga_sagas_total{outcome=~"timed_out|x"}[10m] offset 5m)) / clamp_min(x_total, 1e-9) == bool 0';
    expect(metricNamesOf(expr).sort()).toEqual(['order_saga_sagas_in_flight', 'order_saga_sagas_total', 'x_total']);
  });

  it('ignores Grafana variables outside ranges and on(...) matching labels', () => {
    expect(metricNamesOf('a_total * on (service) group_left (topic) b_total offset ${shift}')).toEqual(['a_total', 'b_total']);
  });
});

describe('exportedNamesOf', () => {
  it('counts an unobserved histogram as exported with its bucket, sum and count series', () => {
    const names = exportedNamesOf(EXPOSITION);
    for (const name of [
      'order_saga_saga_duration_seconds_bucket',
      'order_saga_saga_duration_seconds_count',
      'order_saga_sagas_total',
      'process_cpu_seconds_total',
    ]) {
      expect(names).toContain(name);
    }
    expect(names).not.toContain('order_saga_sagas_total_bucket');
  });
});

describe('unknownMetrics', () => {
  const exported = exportedNamesOf(EXPOSITION);

  it('names the query and the metric when a query reads a metric no scrape exported', () => {
    const problems = unknownMetrics(
      [{ source: 'dashboard panel "Lag" A', expr: 'sum(rate(order_saga_sagas_totl[5m])) + sum(order_saga_outbox_backlog)' }],
      exported,
    );
    expect(problems).toEqual([
      'dashboard panel "Lag" A: order_saga_sagas_totl is exported by no service (sum(rate(order_saga_sagas_totl[5m])) + sum(order_saga_outbox_backlog))',
    ]);
  });

  it('passes queries whose metrics were all exported', () => {
    expect(
      unknownMetrics([{ source: 'x', expr: 'histogram_quantile(0.5, sum by (le) (rate(order_saga_saga_duration_seconds_bucket[5m])))' }], exported),
    ).toEqual([]);
  });
});

describe('the committed dashboard and alert rules', () => {
  const queries = committedQueries();

  it('are all read, every dashboard panel target and every alert rule', () => {
    expect(queries.filter((query) => query.source.startsWith('dashboard panel')).length).toBeGreaterThanOrEqual(15);
    expect(queries.filter((query) => query.source.startsWith('alert rule')).map((query) => query.source)).toContain('alert rule GatewayP99OverSla');
  });

  it('cover saga outcomes and duration, POST latency, consumer lag, outbox backlog, webhooks and dead letters', () => {
    const named = new Set(queries.filter((query) => query.source.startsWith('dashboard')).flatMap((query) => metricNamesOf(query.expr)));
    for (const metric of [
      'order_saga_sagas_total',
      'order_saga_saga_duration_seconds_bucket',
      'http_request_duration_seconds_bucket',
      'order_saga_consumer_lag',
      'order_saga_outbox_backlog',
      'webhook_delivery_attempts_total',
      'order_saga_dead_lettered_total',
    ]) {
      expect(named).toContain(metric);
    }
  });

  it('reads query variables of a dashboard, without the label argument of label_values', () => {
    const queries = dashboardQueries({
      templating: { list: [{ name: 'service', type: 'query', query: { query: 'label_values(order_saga_sagas_total, service)' } }] },
    });
    expect(queries).toEqual([{ source: 'dashboard variable $service', expr: 'order_saga_sagas_total' }]);
  });
});
