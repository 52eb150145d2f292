/**
 * The fault-injection suite (`npm run test:chaos`): places hundreds of orders through two gateways
 * while SIGKILLing service replicas and Kafka, then checks that nothing was lost, doubled or stuck.
 * Prints its figures and exits non-zero on any violation. Everything it starts, it stops.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killService, respawnService, SERVICE_NAMES, waitUntilReady } from '@order-saga/infra';
import { pollUntil } from '@order-saga/shared/testing';
import { ChaosStack, startChaosStack } from './chaos-stack';
import { FaultInjector, FaultTarget } from './fault-injector';
import { ClientOutcome, evaluate } from './invariants';
import { OrderDriver } from './order-driver';
import { formatReport } from './report';
import { ReceivedWebhooks } from './received-webhooks';
import { parseRunOptions, RunOptions } from './run-options';
import { SeededRandom } from './seeded-random';
import {
  countDeadLetterRows,
  countPending,
  countUnpublished,
  readMessageIdsInKafka,
  readPublishedOutbox,
  readKafkaState,
  readLifecycleEvents,
  readOrders,
  readPayments,
  readProducts,
  readReservationLines,
} from './snapshot';
import { planWorkload, Workload } from './workload';

const TERMINAL_WITHIN_MS = 60_000;
/** How long a supervisor keeps restarting a crashed service before the run counts it as lost. */
const RESTART_DEADLINE_MS = 240_000;
const log = (line: string) => process.stdout.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function main(): Promise<number> {
  const options = parseRunOptions(process.argv.slice(2), process.env);
  const started = Date.now();
  const pace = options.rate ? `started at ${options.rate}/s (at most ${options.concurrency} in flight)` : `${options.concurrency} concurrent clients`;
  log(`seed ${options.seed} (replay with CHAOS_SEED=${options.seed}); ${options.orders} orders, ${pace}, variant ${options.variant}`);
  const random = new SeededRandom(options.seed);
  const workload = planWorkload(options.orders, random, options.seed.toString(36));
  const stack = await startChaosStack(options.variant, workload, log);
  try {
    return await run(stack, workload, options, random, started);
  } finally {
    log('stopping everything this run started …');
    await stack.stop();
    log(`stopped; logs kept in ${join(stack.dataDir, 'logs')}`);
  }
}

async function run(stack: ChaosStack, workload: Workload, options: RunOptions, random: SeededRandom, started: number): Promise<number> {
  const { services, cluster, infra } = stack;
  let bootFailures = 0;
  const serviceTargets: FaultTarget[] = SERVICE_NAMES.flatMap((name) =>
    services.replicas[name].map((replica) => ({
      label: replica.spec.name,
      group: name,
      kill: () => killService(replica, 'SIGKILL'),
      // Like a supervisor (systemd, a kubelet): a service that fails to boot, e.g. while Kafka is down, is started again.
      restart: async () => {
        const deadline = Date.now() + RESTART_DEADLINE_MS;
        for (let boot = 1; ; boot++) {
          respawnService(replica);
          stack.watch(replica);
          try {
            await waitUntilReady(replica, Math.max(1000, deadline - Date.now()));
            return;
          } catch (error) {
            if (replica.child.exitCode === null || Date.now() > deadline) throw error;
            bootFailures++;
            log(`${replica.spec.name} failed to boot (exit code ${replica.child.exitCode}); starting it again`);
            await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 500 * boot)));
          }
        }
      },
    })),
  );
  const brokerTargets: FaultTarget[] = cluster.nodes.map((node) => ({
    label: `kafka-node-${node.nodeId}`,
    group: 'kafka',
    kill: () => node.kill('SIGKILL'),
    restart: () => node.start(),
  }));
  const brokerFaults =
    options.variant === 'cluster'
      ? brokerTargets.map((target, index) => ({ atProgress: 0.2 + 0.25 * index, target }))
      : [{ atProgress: 0.35, target: brokerTargets[0] }];

  const gateways = services.replicas.gateway.map((replica) => replica.url);
  const driver = new OrderDriver({
    gateways,
    clientId: stack.client.id,
    clientSecret: stack.client.secret,
    concurrency: options.concurrency,
    ratePerSecond: options.rate,
    orderDeadlineMs: 240_000,
    attemptTimeoutMs: 30_000,
    log,
  });
  const injector = new FaultInjector(
    random,
    serviceTargets,
    {
      gapMs: options.faultGapMs,
      downMs: options.faultDownMs,
      brokerFaults,
      afterBrokerRestart: options.variant === 'cluster' ? () => cluster.waitUntilFullyReplicated(180_000) : undefined,
      maxServicesDown: 2,
      holdServiceFaultsDuringBrokerFault: options.variant === 'single',
    },
    () => driver.answered / workload.orders.length,
    log,
  );

  log(`driving ${workload.orders.length} orders through ${gateways.length} gateways while injecting faults …`);
  const drivingStarted = Date.now();
  const progress = setInterval(() => log(`${driver.answered}/${workload.orders.length} orders answered, ${injector.faults.length} faults so far`), 10_000);
  const faults = injector.run();
  let outcomes: ClientOutcome[];
  let drivingMs = 0;
  try {
    outcomes = await driver.run(workload.orders);
    drivingMs = Date.now() - drivingStarted;
  } finally {
    clearInterval(progress);
    injector.stop();
    await faults;
  }
  const lastFaultEnded = injector.lastFaultEndedAt();
  const orderDb = infra.databaseUrls['order-service'];
  const pendingAtLastFault = await countPending(orderDb);
  log(
    `all orders answered after ${(drivingMs / 1000).toFixed(1)} s; ${injector.faults.length} faults, the last one ended at +${((lastFaultEnded - drivingStarted) / 1000).toFixed(1)} s; ${pendingAtLastFault} order(s) pending then`,
  );

  const terminalAfterLastFaultMs = await pollUntil(async () => ((await countPending(orderDb)) === 0 ? Date.now() - lastFaultEnded : undefined), {
    timeoutMs: Math.max(1000, lastFaultEnded + TERMINAL_WITHIN_MS - Date.now()),
    intervalMs: 500,
    description: 'every order to be terminal',
  }).catch(() => undefined);
  log(terminalAfterLastFaultMs === undefined ? `orders still pending ${TERMINAL_WITHIN_MS / 1000} s after the last fault` : 'every order is terminal');

  const kafkaServices = ['order-service', 'inventory-service', 'payment-service', 'notification-service'] as const;
  const quiescent = await pollUntil(
    async () => {
      const unpublished = await Promise.all(kafkaServices.map((name) => countUnpublished(infra.databaseUrls[name])));
      const { lag } = await readKafkaState(cluster.bootstrapServers);
      return unpublished.every((n) => n === 0) && Object.values(lag).every((n) => n === 0) ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 1000, description: 'outboxes drained and consumers caught up' },
  ).catch(() => false);

  // Everything a relay marked published must be in Kafka: an acknowledged send the broker did not write
  // would otherwise pass unnoticed wherever no later check depends on that one message.
  const published = (await Promise.all(kafkaServices.map((name) => readPublishedOutbox(infra.databaseUrls[name])))).flat();
  const inKafka = await readMessageIdsInKafka(cluster.bootstrapServers, [...new Set(published.map((row) => row.topic))]).catch((error: Error) => {
    log(`could not read the topics back: ${error.message}`);
    return new Set<string>();
  });
  const publishedMissing = published.filter((row) => !inKafka.has(row.messageId));

  const lifecycleEvents = await readLifecycleEvents(orderDb);
  const received = new ReceivedWebhooks(stack.recorder.requests, stack.webhookSecret);
  await pollUntil(
    async () => {
      const ids = received.eventIds();
      return lifecycleEvents.every((event) => ids.has(event.messageId)) ? true : undefined;
    },
    {
      timeoutMs: 90_000,
      intervalMs: 1000,
      description: 'every order event at the webhook receiver',
    },
  ).catch(() => log('not every order event reached the webhook receiver within 90 s'));

  // A client that got 202 polls the order; what it reads must be what the database holds.
  const polledOrders = outcomes.flatMap((outcome) => ((outcome.finalStatus === 202 || outcome.inFlight) && outcome.orderId ? [outcome.orderId] : []));
  const dbOrders = await readOrders(orderDb);
  const dbStatus = new Map(dbOrders.map((order) => [order.orderId, order.status]));
  const apiMismatches: string[] = [];
  for (const orderId of polledOrders) {
    const status = await driver.orderStatus(orderId, 30_000);
    if (status !== dbStatus.get(orderId)) apiMismatches.push(`${orderId}: GET says ${status}, database ${dbStatus.get(orderId)}`);
  }

  const { payments, refundSource } = await readPayments(infra.databaseUrls['payment-service']);
  const deadLetterRows = await Promise.all(
    kafkaServices.map(async (name) => ({ source: `${name} dead_letter table`, count: await countDeadLetterRows(infra.databaseUrls[name]) })),
  );
  const { deadLetterTopics } = await readKafkaState(cluster.bootstrapServers);
  const { figures, violations } = evaluate({
    planned: workload.orders,
    outcomes,
    initialStock: Object.fromEntries(workload.products.map((product) => [product.productId, product.initialStock])),
    orders: dbOrders,
    products: await readProducts(
      infra.databaseUrls['inventory-service'],
      workload.products.map((product) => product.productId),
    ),
    reservationLines: await readReservationLines(infra.databaseUrls['inventory-service']),
    payments,
    lifecycleEvents,
    webhooks: [...received.all()],
    deadLetters: [...deadLetterRows, ...deadLetterTopics.map((topic) => ({ source: `topic ${topic.topic}`, count: topic.count }))],
  });
  if (terminalAfterLastFaultMs === undefined) violations.unshift(`not every order was terminal within ${TERMINAL_WITHIN_MS / 1000} s after the last fault`);
  if (!quiescent) violations.push('outboxes not drained or consumer groups still lagging 60 s after the orders settled');
  const servicesNeverKilled = SERVICE_NAMES.filter((name) => !injector.groupsKilled().includes(name));
  // The long form's promise is that every service was crashed under load; a run that missed one proved less.
  if (!options.short && servicesNeverKilled.length > 0)
    violations.push(`the run never killed ${servicesNeverKilled.join(', ')}: more orders or a lower --rate give the faults time`);
  if (driver.counters.malformedErrors > 0) violations.push(`${driver.counters.malformedErrors} error answer(s) not in the spec's error format`);
  for (const fault of injector.faults.filter((fault) => fault.error)) violations.push(`${fault.label} did not come back after its fault: ${fault.error}`);
  violations.push(...apiMismatches.map((mismatch) => `polled order ${mismatch}`));
  if (publishedMissing.length > 0) {
    violations.push(
      `${publishedMissing.length} outbox message(s) marked published are not in Kafka, e.g. ${publishedMissing
        .slice(0, 3)
        .map((row) => `${row.topic} ${row.messageId}`)
        .join(', ')}`,
    );
  }

  const facts = {
    options,
    wallTimeMs: Date.now() - started,
    drivingMs,
    pacing: driver.pacingReport(),
    servicesNeverKilled,
    counters: driver.counters,
    faults: injector.faults,
    terminalAfterLastFaultMs,
    quiescent,
    publishedChecked: published.length,
    publishedMissing: publishedMissing.length,
    refundSource,
    apiMismatches: apiMismatches.length,
    polled: polledOrders.length,
    bootFailures,
    pendingAtLastFault,
    lastFaultEndedAtMs: lastFaultEnded - drivingStarted,
  };
  process.stdout.write(formatReport(facts, figures, violations));
  const reportFile = join(stack.dataDir, 'chaos-report.json');
  writeFileSync(reportFile, JSON.stringify({ facts, figures, violations }, null, 2));
  log(`full figures (order ids included) in ${reportFile}`);
  return violations.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`[chaos] ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
