import type { DeadLetterService, SagaFiguresResponseDto, WebhookFiguresResponseDto } from '@order-saga/contracts/http/operator';
import { useState } from 'preact/hooks';
import { DELIVERY_STATUSES, DeliveriesChart, DurationsChart, OUTCOMES, OutcomesChart } from '../charts/figures-charts';
import { useConsole } from '../components/console-context';
import { ErrorNotice } from '../components/error-notice';
import { PageHeading } from '../components/page-heading';
import { useLoad } from '../components/use-load';
import { formatRate, formatTime } from '../format';
import { hrefOf } from '../routing/routes';
import { Link } from '../routing/router';
import { formatDuration } from '../timeline/timeline-layout';
import { DEAD_LETTER_SERVICES } from './dead-letters-page';

const WINDOWS = [
  { minutes: 15, label: 'Last 15 minutes' },
  { minutes: 60, label: 'Last hour' },
  { minutes: 180, label: 'Last 3 hours' },
  { minutes: 1440, label: 'Last 24 hours' },
];
const REFRESH_MS = 10_000;

/**
 * Throughput, outcomes and latency over time from order-service's GET /sagas/figures, the webhook success rate
 * from notification-service's figures, and each service's dead-letter depth; refreshed every 10 s.
 */
export function OverviewPage() {
  const { api } = useConsole();
  const [minutes, setMinutes] = useState(60);
  const figures = useLoad(() => api.sagaFigures(minutes), String(minutes), REFRESH_MS);
  const webhooks = useLoad(() => api.webhookFigures(minutes), String(minutes), REFRESH_MS);
  // Exact: one count per service. A service that does not answer is named, and the others still counted.
  const parked = useLoad(
    () =>
      Promise.all(
        DEAD_LETTER_SERVICES.map((service) =>
          api.deadLetterDepth(service).then(
            (depth) => ({ service, count: depth.parked }),
            () => ({ service, count: null }),
          ),
        ),
      ),
    'dead-letters',
    REFRESH_MS,
  );
  const reload = () => {
    figures.reload();
    webhooks.reload();
    parked.reload();
  };
  const data = figures.data;
  return (
    <>
      <PageHeading title="Overview">
        <div class="toolbar">
          <label for="window">Window</label>
          <select id="window" value={minutes} onChange={(event) => setMinutes(Number(event.currentTarget.value))}>
            {WINDOWS.map((window) => (
              <option key={window.minutes} value={window.minutes}>
                {window.label}
              </option>
            ))}
          </select>
          <button type="button" class="button" onClick={reload}>
            Refresh
          </button>
        </div>
      </PageHeading>
      {figures.error ? <ErrorNotice error={figures.error} onRetry={figures.reload} /> : null}
      {data ? (
        <Figures data={data} webhooks={webhooks.data} webhooksFailed={webhooks.error !== undefined} parked={parked.data} />
      ) : figures.loading ? (
        <p aria-busy="true">Loading figures…</p>
      ) : null}
    </>
  );
}

/** Each service's parked dead letters; null for one that did not answer. */
type ParkedDepth = { service: DeadLetterService; count: number | null }[];

function Figures({
  data,
  webhooks,
  webhooksFailed,
  parked,
}: {
  data: SagaFiguresResponseDto;
  webhooks: WebhookFiguresResponseDto | undefined;
  /** The webhook figures could not be read (the saga figures could). */
  webhooksFailed: boolean;
  parked: ParkedDepth | undefined;
}) {
  const parkedTotal = parked?.reduce((sum, one) => sum + (one.count ?? 0), 0);
  const unread = parked?.filter((one) => one.count === null).map((one) => one.service) ?? [];
  const parkedIn = parked?.filter((one) => (one.count ?? 0) > 0).map((one) => `${one.service} ${one.count}`) ?? [];
  const ended = OUTCOMES.reduce((sum, outcome) => sum + data.outcomes[outcome.key], 0);
  const failed = ended - data.outcomes.confirmed;
  return (
    <>
      <p class="muted" aria-live="polite">
        {data.window_minutes} minutes from {formatTime(data.from)}, read at {formatTime(data.at)}.
      </p>
      <ul class="tiles" aria-label="Figures now and over the window">
        <li class="tile">
          <span class="tile-label">In flight</span>
          <span class="tile-value" data-figure="in-flight">
            {data.in_flight}
          </span>
          <Link href={hrefOf('/sagas', { state: 'open' })}>Open sagas</Link>
        </li>
        <li class={`tile${data.stuck > 0 ? ' tile-alert' : ''}`}>
          <span class="tile-label">Stuck</span>
          <span class="tile-value" data-figure="stuck">
            {data.stuck}
          </span>
          <Link href={hrefOf('/attention')}>Stuck &amp; failed</Link>
        </li>
        <li class={`tile${parkedTotal || unread.length > 0 ? ' tile-alert' : ''}`}>
          <span class="tile-label">Dead letters parked</span>
          <span class="tile-value" data-figure="dead-letters">
            {parkedTotal === undefined ? '…' : `${parkedTotal}${unread.length > 0 ? '+?' : ''}`}
          </span>
          <span class="muted" data-figure="dead-letters-by-service">
            {parkedIn.join(', ') || (unread.length > 0 ? 'none counted' : 'in no service')}
            {unread.length > 0 ? `; not read: ${unread.join(', ')}` : ''}
          </span>
          <Link href={hrefOf('/dead-letters')}>Dead letters</Link>
        </li>
        <li class="tile">
          <span class="tile-label">Ended in the window</span>
          <span class="tile-value" data-figure="ended">
            {ended}
          </span>
          <span class="muted">
            {data.outcomes.confirmed} confirmed, {failed} not
          </span>
        </li>
        <li class="tile">
          <span class="tile-label">Duration p50 / p99</span>
          <span class="tile-value tile-value-small" data-figure="durations">
            {data.duration_p50_ms === null ? '—' : formatDuration(data.duration_p50_ms)} /{' '}
            {data.duration_p99_ms === null ? '—' : formatDuration(data.duration_p99_ms)}
          </span>
          <span class="muted">start to end, sagas ended in the window</span>
        </li>
        <li class={`tile${webhooks && webhooks.deliveries.failed > 0 ? ' tile-alert' : ''}`}>
          <span class="tile-label">Webhook success</span>
          <span class="tile-value" data-figure="webhook-success">
            {webhooks ? formatRate(webhooks.success_rate) : webhooksFailed ? '—' : '…'}
          </span>
          <span class="muted" data-figure="webhook-deliveries">
            {webhooks
              ? `${webhooks.deliveries.succeeded} succeeded, ${webhooks.deliveries.failed} failed, ${webhooks.deliveries.pending} pending`
              : webhooksFailed
                ? 'not read: notification-service did not answer'
                : 'deliveries made in the window'}
          </span>
          <Link href={hrefOf('/webhooks', { status: 'failed' })}>Failed deliveries</Link>
        </li>
      </ul>
      <div class="charts">
        <figure class="card">
          <figcaption>
            <h2>Sagas ended per minute, by outcome</h2>
            <ul class="legend">
              {OUTCOMES.map((outcome) => (
                <li key={outcome.key}>
                  <span class={`swatch fill-${outcome.key}`} aria-hidden="true" />
                  {outcome.label} <strong>{data.outcomes[outcome.key]}</strong>
                </li>
              ))}
            </ul>
          </figcaption>
          <OutcomesChart minutes={data.minutes} />
        </figure>
        <figure class="card">
          <figcaption>
            <h2>Saga duration per minute</h2>
            <ul class="legend">
              <li>
                <span class="swatch line-p50" aria-hidden="true" />
                median (p50)
              </li>
              <li>
                <span class="swatch line-p99" aria-hidden="true" />
                99th percentile
              </li>
            </ul>
          </figcaption>
          <DurationsChart minutes={data.minutes} />
        </figure>
        {webhooks ? (
          <figure class="card">
            <figcaption>
              <h2>Webhook deliveries per minute, by status</h2>
              <ul class="legend">
                {DELIVERY_STATUSES.map((status) => (
                  <li key={status.key}>
                    <span class={`swatch fill-delivery-${status.key}`} aria-hidden="true" />
                    {status.label} <strong>{webhooks.deliveries[status.key]}</strong>
                  </li>
                ))}
              </ul>
            </figcaption>
            <DeliveriesChart minutes={webhooks.minutes} />
          </figure>
        ) : null}
      </div>
      <details class="card">
        <summary>The figures per minute as a table</summary>
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">Sagas ended per minute by outcome, with the median and 99th percentile durations</caption>
            <thead>
              <tr>
                <th scope="col">Minute</th>
                {OUTCOMES.map((outcome) => (
                  <th scope="col" key={outcome.key}>
                    {outcome.label}
                  </th>
                ))}
                <th scope="col">p50</th>
                <th scope="col">p99</th>
              </tr>
            </thead>
            <tbody>
              {data.minutes.map((minute) => (
                <tr key={minute.minute}>
                  <th scope="row">{formatTime(minute.minute)}</th>
                  {OUTCOMES.map((outcome) => (
                    <td key={outcome.key}>{minute.outcomes[outcome.key]}</td>
                  ))}
                  <td>{minute.duration_p50_ms === null ? '—' : formatDuration(minute.duration_p50_ms)}</td>
                  <td>{minute.duration_p99_ms === null ? '—' : formatDuration(minute.duration_p99_ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
      {webhooks ? (
        <details class="card">
          <summary>The webhook deliveries per minute as a table</summary>
          <div class="table-scroll">
            <table>
              <caption class="visually-hidden">Webhook deliveries made per minute by their status now, with the success rate</caption>
              <thead>
                <tr>
                  <th scope="col">Minute</th>
                  {DELIVERY_STATUSES.map((status) => (
                    <th scope="col" key={status.key}>
                      {status.label}
                    </th>
                  ))}
                  <th scope="col">Success rate</th>
                </tr>
              </thead>
              <tbody>
                {webhooks.minutes.map((minute) => (
                  <tr key={minute.minute}>
                    <th scope="row">{formatTime(minute.minute)}</th>
                    {DELIVERY_STATUSES.map((status) => (
                      <td key={status.key}>{minute.deliveries[status.key]}</td>
                    ))}
                    <td>{formatRate(minute.success_rate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      ) : null}
    </>
  );
}
