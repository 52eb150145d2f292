import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { LatencySummary, summarize } from './latency-stats';
import { dueOffsetMs, runOpenLoop } from './open-loop-driver';
import { StepOrders, settleStepOrders } from './order-outcomes';
import { ProcessGroup, ProcessGroupSampler, ProcessSampler, ProcessUsage } from './process-stats';
import { BenchCatalog, EXPECTED_STATUS, kindOf, orderBody, StepCustomers } from './workload';

export interface StepResult {
  offeredRate: number;
  seconds: number;
  sent: number;
  /** Arrivals per second the driver actually managed (its own lag shows as a lower figure). */
  achievedRate: number;
  latencyMs: LatencySummary;
  /** Worst lateness of a send behind its due time; large values mean the driver, not the system, lagged. */
  maxSendLagMs: number;
  /** Status code (or network error) → count. */
  statuses: Record<string, number>;
  /** Answers other than the one the order's kind must get (201 paid, 402 declined, 409 no stock). */
  unexpected: number;
  orders: StepOrders;
  /**
   * Orders reaching a terminal state per second: (settled − 1) over the span from the first to the last
   * one settling, so the figure is not diluted by one saga's latency and falls when a backlog builds.
   */
  completedSagasPerSecond: number;
  confirmedPerSecond: number;
  processes: ProcessUsage[];
}

export interface StepSetup {
  pool: Pool;
  token: string;
  catalog: BenchCatalog;
  customers: StepCustomers;
  orderDatabaseUrl: string;
  processes: { name: string; pid: number }[];
  /** Groups sampled for CPU only, e.g. the PostgreSQL backends of the stack's databases. */
  processGroups: ProcessGroup[];
  /** How long to wait after the last answer for sagas answered 202 to finish. */
  settleTimeoutMs: number;
}

/** One POST through the gateway; the outcome is the status, or the error code of a failed connection. */
async function postOrder(pool: Pool, token: string, body: string): Promise<string> {
  try {
    const response = await pool.request({
      path: '/api/v1/orders',
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-request-id': randomUUID() },
      body,
    });
    // The body must be drained for the connection to be reused; its content is checked in the database.
    await response.body.dump();
    return String(response.statusCode);
  } catch (error) {
    return `network:${(error as NodeJS.ErrnoException).code ?? (error as Error).name}`;
  }
}

const ORDER_CREATING = new Set(['201', '202', '402', '409']);

export async function runLoadStep(setup: StepSetup, ratePerSecond: number, seconds: number, firstIndex: number): Promise<StepResult> {
  const sampler = new ProcessSampler(setup.processes);
  const groupSampler = new ProcessGroupSampler(setup.processGroups);
  sampler.start();
  await groupSampler.start();
  const started = performance.now();
  const completions = await runOpenLoop({
    ratePerSecond,
    durationMs: seconds * 1000,
    firstIndex,
    send: (index) => postOrder(setup.pool, setup.token, orderBody(index, kindOf(index), setup.catalog, setup.customers)),
  });
  const processes = [...sampler.stop(), ...(await groupSampler.stop())];
  const elapsedSeconds = (performance.now() - started) / 1000;

  const statuses: Record<string, number> = {};
  let unexpected = 0;
  for (const completion of completions) {
    statuses[completion.outcome] = (statuses[completion.outcome] ?? 0) + 1;
    if (completion.outcome !== String(EXPECTED_STATUS[kindOf(completion.index)])) unexpected += 1;
  }
  const created = completions.filter((completion) => ORDER_CREATING.has(completion.outcome)).length;
  const orders = await settleStepOrders(setup.orderDatabaseUrl, [setup.customers.paying, setup.customers.declining], created, setup.settleTimeoutMs);
  const settled = orders.confirmed + orders.cancelled;
  const completedPerSecond = settled > 1 ? (settled - 1) / orders.spanSeconds : Number.NaN;
  // Arrivals 0..n-1 span n-1 intervals; a driver that lagged stretched that span.
  const lastSendOffsetMs = Math.max(...completions.map((completion) => dueOffsetMs(completion.index - firstIndex, ratePerSecond) + completion.sendLagMs));
  return {
    offeredRate: ratePerSecond,
    seconds: Math.round(elapsedSeconds * 10) / 10,
    sent: completions.length,
    achievedRate: completions.length > 1 ? Math.round(((completions.length - 1) / (lastSendOffsetMs / 1000)) * 10) / 10 : Number.NaN,
    latencyMs: summarize(completions.map((completion) => completion.latencyMs)),
    maxSendLagMs: Math.max(...completions.map((completion) => completion.sendLagMs)),
    statuses,
    unexpected,
    orders,
    completedSagasPerSecond: completedPerSecond,
    confirmedPerSecond: completedPerSecond * (orders.confirmed / Math.max(1, settled)),
    processes,
  };
}
