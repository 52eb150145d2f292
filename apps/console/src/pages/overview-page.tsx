import type { SagaFiguresResponseDto } from '@order-saga/contracts/http/operator';
import { useState } from 'preact/hooks';
import { DurationsChart, OUTCOMES, OutcomesChart } from '../charts/figures-charts';
import { useConsole } from '../components/console-context';
import { ErrorNotice } from '../components/error-notice';
import { PageHeading } from '../components/page-heading';
import { useLoad } from '../components/use-load';
import { formatTime } from '../format';
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

/** Throughput, outcomes and latency over time, from order-service's GET /sagas/figures, refreshed every 10 s. */
export function OverviewPage() {
  const { api } = useConsole();
  const [minutes, setMinutes] = useState(60);
  const figures = useLoad(() => api.sagaFigures(minutes), String(minutes), REFRESH_MS);
  // The depth per service: a page of up to 100 parked ones each (the listings have no count).
  const parked = useLoad(
    () =>
      Promise.all(
        DEAD_LETTER_SERVICES.map(async (service) => {
          const page = await api.deadLetters(service, { status: 'parked', limit: '100' });
          return { service, count: page.data.length, more: page.pagination.has_more };
        }),
      ),
    'dead-letters',
    REFRESH_MS,
  );
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
          <button type="button" class="button" onClick={figures.reload}>
            Refresh
          </button>
        </div>
      </PageHeading>
      {figures.error ? <ErrorNotice error={figures.error} onRetry={figures.reload} /> : null}
      {data ? <Figures data={data} parked={parked.data} /> : figures.loading ? <p aria-busy="true">Loading figures…</p> : null}
    </>
  );
}

type ParkedDepth = { service: string; count: number; more: boolean }[];

function Figures({ data, parked }: { data: SagaFiguresResponseDto; parked: ParkedDepth | undefined }) {
  const parkedTotal = parked?.reduce((sum, one) => sum + one.count, 0);
  const parkedMore = parked?.some((one) => one.more) ?? false;
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
        <li class={`tile${parkedTotal ? ' tile-alert' : ''}`}>
          <span class="tile-label">Dead letters parked</span>
          <span class="tile-value" data-figure="dead-letters">
            {parkedTotal === undefined ? '…' : `${parkedTotal}${parkedMore ? '+' : ''}`}
          </span>
          <span class="muted">
            {parked
              ?.filter((one) => one.count > 0)
              .map((one) => `${one.service} ${one.count}${one.more ? '+' : ''}`)
              .join(', ') || 'in no service'}
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
    </>
  );
}
