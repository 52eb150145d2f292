import { DriverCounters, DriverPacing } from './order-driver';
import { FaultRecord } from './fault-injector';
import { Figures } from './invariants';
import { RunOptions } from './run-options';

export interface RunFacts {
  options: RunOptions;
  wallTimeMs: number;
  drivingMs: number;
  pacing: DriverPacing;
  /** Services no fault reached in this run. */
  servicesNeverKilled: string[];
  counters: DriverCounters;
  faults: FaultRecord[];
  /** From the end of the last fault until no order was pending; undefined when that did not happen in time. */
  terminalAfterLastFaultMs: number | undefined;
  quiescent: boolean;
  /** Outbox rows marked published, in every service, and how many of them were not found in Kafka. */
  publishedChecked: number;
  publishedMissing: number;
  refundSource: string;
  apiMismatches: number;
  polled: number;
  /** Restarted services that exited during boot (e.g. Kafka still down) and were started again. */
  bootFailures: number;
  pendingAtLastFault: number;
  /** Since the orders started. */
  lastFaultEndedAtMs: number;
}

/** The figures of a run as the lines it prints: what the issue asks for, then every violation. */
export function formatReport(facts: RunFacts, figures: Figures, violations: string[]): string {
  const { options } = facts;
  const pad = (label: string) => `  ${label.padEnd(52, '.')} `;
  const faultsBy = new Map<string, number>();
  for (const fault of facts.faults) {
    const kind = fault.label.replace(/-\d+$/, '');
    faultsBy.set(kind, (faultsBy.get(kind) ?? 0) + 1);
  }
  const lines = [
    '',
    `══ chaos run: ${options.variant === 'cluster' ? '3-broker KRaft cluster (RF 3, min.insync.replicas 2)' : 'single Kafka broker'} · ${options.short ? 'short' : 'long'} form · seed ${options.seed} ══`,
    `${pad('wall time')}${seconds(facts.wallTimeMs)} (driving orders ${seconds(facts.drivingMs)})`,
    `${pad('orders started per second')}${drivingRate(facts.pacing)}`,
    `${pad('orders planned / placed (in order DB)')}${figures.ordersPlanned} / ${figures.ordersPlaced}`,
    `${pad('orders terminal / stuck')}${figures.terminal} / ${figures.stuck} (confirmed ${figures.confirmed}, cancelled ${figures.cancelled})`,
    `${pad('all terminal after the last fault ended')}${facts.terminalAfterLastFaultMs === undefined ? 'NO, not within 60 s' : seconds(facts.terminalAfterLastFaultMs)} (last fault ended at +${seconds(facts.lastFaultEndedAtMs)}; ${facts.pendingAtLastFault} order(s) pending then)`,
    `${pad('outcome per kind of order')}${Object.entries(figures.byKind)
      .map(
        ([kind, endings]) =>
          `${kind}: ${Object.entries(endings)
            .map(([ending, n]) => `${ending} ${n}`)
            .join(', ')}`,
      )
      .join(' | ')}`,
    `${pad('final answers to the client')}${Object.entries(figures.clientAnswers)
      .map(([status, n]) => `${status}×${n}`)
      .join(', ')}`,
    `${pad('attempts / dropped connections / retried answers')}${facts.counters.attempts} / ${facts.counters.droppedConnections} / ${
      Object.entries(facts.counters.retriedStatuses)
        .map(([status, n]) => `${status}×${n}`)
        .join(', ') || 'none'
    }`,
    `${pad('error answers not in the spec format')}${facts.counters.malformedErrors}`,
    `${pad('202 / in-flight 409 orders polled via GET, ≠ database')}${facts.polled} polled, ${facts.apiMismatches} mismatched`,
    `${pad('faults injected (SIGKILL)')}${facts.faults.length}: ${[...faultsBy].map(([kind, n]) => `${kind} ${n}`).join(', ')}${facts.faults.some((fault) => fault.error) ? ` (${facts.faults.filter((fault) => fault.error).length} failed to recover)` : ''}; boots that failed and were retried: ${facts.bootFailures}; services never killed: ${facts.servicesNeverKilled.join(', ') || 'none'}`,
    `  stock per product (available + reserved + sold = initial):`,
    ...figures.products.map(
      (product) =>
        `    ${product.productId.padEnd(18)} ${String(product.available).padStart(6)} + ${String(product.reserved).padStart(4)} + ${String(product.sold).padStart(5)} = ${String(product.available + product.reserved + product.sold).padStart(6)}  initial ${String(product.initial).padStart(6)}  ${product.ok ? 'ok' : 'VIOLATED'}`,
    ),
    `${pad('payments charged more than once (net of refunds)')}${figures.doubleCharged.length}`,
    `${pad('cancelled orders charged and not refunded')}${figures.cancelledButCharged.length}   (refunds read from: ${facts.refundSource})`,
    `${pad('confirmed orders without a charge')}${figures.confirmedWithoutCharge.length}`,
    `${pad('reservations held for orders not confirmed')}${figures.leakedReservations.length}`,
    `${pad('order events expected / received (distinct)')}${figures.eventsExpected} / ${figures.eventsReceivedDistinct} (missing ${figures.eventsMissing.length}, duplicate deliveries ${figures.eventsDuplicated}, bad signatures ${figures.badSignatures})`,
    `${pad('terminal orders whose outcome no webhook announced')}${figures.ordersWithoutTerminalEvent.length}`,
    `${pad('messages dead-lettered')}${figures.deadLettered} (${figures.deadLetterSources.length} places checked: dead_letter tables and *.deadletter.* topics${figures.deadLetterSources
      .filter((source) => source.count > 0)
      .map((source) => `; ${source.source} ${source.count}`)
      .join('')})`,
    `${pad('outboxes drained and consumer lag 0 at the end')}${facts.quiescent ? 'yes' : 'NO'}`,
    `${pad('outbox messages marked published / not in Kafka')}${facts.publishedChecked} / ${facts.publishedMissing}`,
    '',
    violations.length === 0
      ? 'RESULT: PASS — no violations'
      : `RESULT: FAIL — ${violations.length} violation(s):\n${violations.map((violation) => `  ✗ ${violation}`).join('\n')}`,
    '',
  ];
  return lines.join('\n');
}

/** The rate asked for and the one achieved; a start far behind its due time means the run was not at that rate. */
export function drivingRate(pacing: DriverPacing): string {
  const achieved = Number.isFinite(pacing.achievedRate) ? `${pacing.achievedRate.toFixed(1)}/s achieved` : 'n/a';
  if (pacing.offeredRate === undefined) return `${achieved} by ${pacing.concurrency} closed-loop clients (no --rate)`;
  return `${pacing.offeredRate}/s asked, ${achieved}; worst start ${seconds(pacing.maxStartLagMs)} behind its due time; up to ${pacing.maxInFlight} orders in flight (cap ${pacing.concurrency})`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
