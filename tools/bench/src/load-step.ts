import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { LatencySummary, maxOf } from './latency-stats';
import { dueOffsetMs, runOpenLoop } from './open-loop-driver';
import { StepOrders, settleStepOrders } from './order-outcomes';
import { CpuTimeAccount, ProcessGroup, ProcessSampler, ProcessUsage, singleProcess } from './process-stats';
import { cpuPercent, cpuPerSaga, StepCpu } from './cpu-per-saga';
import { MachineSpeed, MachineSpeedProbe } from './machine-speed';
import { isShedAnswer, PostAnswer, tallyAnswers } from './step-answers';
import { BenchCatalog, EXPECTED_STATUS, kindOf, orderBody, StepCustomers } from './workload';

export interface StepResult {
  offeredRate: number;
  seconds: number;
  sent: number;
  /** Arrivals per second the driver actually managed (its own lag shows as a lower figure). */
  achievedRate: number;
  /** Every answer, the gateway's shed 503s included. */
  latencyMs: LatencySummary;
  /** Every answer but the shed 503s: the latency of the orders the gateway admitted (see step-answers.ts). */
  admittedLatencyMs: LatencySummary;
  /** Worst lateness of a send behind its due time; large values mean the driver, not the system, lagged. */
  maxSendLagMs: number;
  /** Status code (or network error) → count. */
  statuses: Record<string, number>;
  /** Answers other than the one the order's kind must get (201 paid, 402 declined, 409 no stock); shed ones included. */
  unexpected: number;
  /** 503s the gateway answered at once because its in-flight limit was reached (admission control). */
  shed: number;
  orders: StepOrders;
  /**
   * Orders reaching a terminal state per second: (settled − 1) over the span from the first to the last
   * one settling, so the figure is not diluted by one saga's latency and falls when a backlog builds.
   */
  completedSagasPerSecond: number;
  confirmedPerSecond: number;
  /** CPU % over the sending (the load the step put on each process) and peak RSS. */
  processes: ProcessUsage[];
  /** CPU time of every measured process per completed saga, up to the step's last saga settling. */
  cpu: StepCpu;
  /** How fast the machine was over the same window (absent in results written before the probe existed). */
  machineSpeed?: MachineSpeed;
}

export interface StepSetup {
  pool: Pool;
  token: string;
  catalog: BenchCatalog;
  customers: StepCustomers;
  orderDatabaseUrl: string;
  processes: { name: string; pid: number }[];
  /** Groups measured for CPU only, e.g. the PostgreSQL backends of the stack's databases (see main.ts). */
  processGroups: ProcessGroup[];
  /** How long to wait after the last answer for sagas answered 202 to finish. */
  settleTimeoutMs: number;
}

/**
 * One POST through the gateway: the status (or the error code of a failed connection), and whether the gateway shed it.
 * Raw undici, not the SDK the other drivers use: this driver's CPU is counted in the CPU per saga it reports
 * (main.ts), and the SDK would add to it on every order (fetch's Response and streams, a timer per request,
 * every body read and parsed where this drains them unread); its retries, even one attempt's 401 refresh,
 * would change the load offered. The token still comes the SDK's way (bench-stack.ts accessToken).
 */
async function postOrder(pool: Pool, token: string, body: string): Promise<PostAnswer> {
  try {
    const response = await pool.request({
      path: '/api/v1/orders',
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-request-id': randomUUID() },
      body,
    });
    // A 503's body says whether the gateway shed the order or failed to reach order-service. Any other
    // body is drained unread for the connection to be reused; the orders are checked in the database.
    if (response.statusCode === 503) {
      return { status: '503', shed: isShedAnswer(response.statusCode, await response.body.text()) };
    }
    await response.body.dump();
    return { status: String(response.statusCode), shed: false };
  } catch (error) {
    return { status: `network:${(error as NodeJS.ErrnoException).code ?? (error as Error).name}`, shed: false };
  }
}

const ORDER_CREATING = new Set(['201', '202', '402', '409']);

export async function runLoadStep(setup: StepSetup, ratePerSecond: number, seconds: number, firstIndex: number): Promise<StepResult> {
  const sampler = new ProcessSampler(setup.processes);
  const cpu = new CpuTimeAccount([...setup.processes.map(singleProcess), ...setup.processGroups]);
  const probe = new MachineSpeedProbe();
  await probe.start();
  const started = performance.now();
  sampler.start();
  await cpu.start();
  const completions = await runOpenLoop({
    ratePerSecond,
    durationMs: seconds * 1000,
    firstIndex,
    send: (index) => postOrder(setup.pool, setup.token, orderBody(index, kindOf(index), setup.catalog, setup.customers)),
  });
  const sendingCpuMs = await cpu.read();
  const elapsedSeconds = (performance.now() - started) / 1000;
  const processes = [
    ...sampler.stop(),
    ...setup.processGroups.map(({ name }) => ({
      name,
      pid: 0,
      cpuPercent: cpuPercent(sendingCpuMs[name] ?? 0, elapsedSeconds),
      rssPeakMb: Number.NaN,
      rssEndMb: Number.NaN,
    })),
  ];

  const answers = tallyAnswers(completions, (index) => String(EXPECTED_STATUS[kindOf(index)]));
  const created = completions.filter((completion) => ORDER_CREATING.has(completion.outcome.status)).length;
  const orders = await settleStepOrders(setup.orderDatabaseUrl, [setup.customers.paying, setup.customers.declining], created, setup.settleTimeoutMs);
  const settled = orders.confirmed + orders.cancelled;
  // The CPU window ends only now: the sagas answered 202 finish after the last send, on the stack's CPU.
  const stepCpu = cpuPerSaga(await cpu.stop(), settled, (performance.now() - started) / 1000);
  const machineSpeed = await probe.stop();
  const completedPerSecond = settled > 1 ? (settled - 1) / orders.spanSeconds : Number.NaN;
  // Arrivals 0..n-1 span n-1 intervals; a driver that lagged stretched that span.
  const lastSendOffsetMs = maxOf(completions.map((completion) => dueOffsetMs(completion.index - firstIndex, ratePerSecond) + completion.sendLagMs));
  return {
    offeredRate: ratePerSecond,
    seconds: Math.round(elapsedSeconds * 10) / 10,
    sent: completions.length,
    achievedRate: completions.length > 1 ? Math.round(((completions.length - 1) / (lastSendOffsetMs / 1000)) * 10) / 10 : Number.NaN,
    latencyMs: answers.latencyMs,
    admittedLatencyMs: answers.admittedLatencyMs,
    maxSendLagMs: maxOf(completions.map((completion) => completion.sendLagMs)),
    statuses: answers.statuses,
    unexpected: answers.unexpected,
    shed: answers.shed,
    orders,
    completedSagasPerSecond: completedPerSecond,
    confirmedPerSecond: completedPerSecond * (orders.confirmed / Math.max(1, settled)),
    processes,
    cpu: stepCpu,
    machineSpeed,
  };
}
