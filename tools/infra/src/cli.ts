import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { DataDirInUse } from './broker-lock';
import { BROKER_ADMIN_USER, KAFKA_SECURITY_MODES, KafkaSecurityMode } from './broker-security';
import { CHROMIUM_PATH_VARIABLE, ensureChromium } from './chromium';
import { FAILED_TESTS_FILE_VARIABLE, formatFailedTest, readFailedTests } from './failed-tests';
import { javaBin, kafkaJarsCached } from './kafka-broker';
import { CACHE_DIR, DATA_DIR, REPO_ROOT } from './paths';
import { formatProblems, preflight, PreflightOptions, withoutPassword } from './preflight';
import { formatElapsed } from './progress';
import { createOperator, DEMO, ensureSigningKeys, OperatorSignIn, registerOAuthClient, seedDemoData } from './seed';
import { ServiceStartFailed, spawnService, stopService } from './services';
import { Infra, KAFKA_SERVICES, startInfra, startServices } from './stack';

/**
 * `npm start`, `npm test` and `npm run infra`. Everything started here is stopped here, on Ctrl-C,
 * SIGTERM or when the tests end, so no broker or service outlives the command.
 */
const log = (line: string) => process.stdout.write(`[order-saga] ${line}\n`);
const POSTGRES_ADMIN_URL = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// The gateway's own default (apps/gateway/src/config/gateway.config.ts); the launched gateway inherits REDIS_URL.
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DEV_KAFKA_PORT = Number(process.env.KAFKA_PORT ?? 9092);
/** `npm start`: the gateway here, the four services on the next ports, the demo webhook receiver after them. */
const GATEWAY_PORT = Number(process.env.GATEWAY_PORT ?? 3000);

/**
 * `--security sasl_ssl` (npm start, npm run infra): the broker gets a SASL_SSL listener with a SCRAM user per
 * service, certificates made for it and a mutual-TLS listener; the services are configured for it.
 */
function kafkaSecurityOption(args: string[]): KafkaSecurityMode {
  const { values } = parseArgs({ args, options: { security: { type: 'string', default: 'plaintext' } }, allowPositionals: true });
  const mode = values.security as KafkaSecurityMode;
  if (!KAFKA_SECURITY_MODES.includes(mode))
    throw new PrerequisitesMissing(`--security must be one of ${KAFKA_SECURITY_MODES.join(', ')}, got "${values.security}"`);
  return mode;
}

async function main(command: string | undefined, args: string[]): Promise<number> {
  log(`npm ${command === 'infra' ? 'run infra' : command} on Node ${process.version} (${process.execPath})`);
  const kafkaSecurity = command === 'start' || command === 'infra' ? kafkaSecurityOption(args) : 'plaintext';
  switch (command) {
    case 'start':
      await checkPrerequisites('npm start', [
        { port: DEV_KAFKA_PORT, what: 'Kafka', variable: 'KAFKA_PORT' },
        ...[0, 1, 2, 3, 4, 5].map((offset) => ({
          port: GATEWAY_PORT + offset,
          what: offset === 0 ? 'the gateway' : offset === 5 ? 'the webhook receiver' : 'a service',
          variable: 'GATEWAY_PORT',
        })),
      ]);
      return start(kafkaSecurity);
    case 'infra':
      await checkPrerequisites('npm run infra', [{ port: DEV_KAFKA_PORT, what: 'Kafka', variable: 'KAFKA_PORT' }]);
      return infraOnly(kafkaSecurity);
    case 'test': {
      const { chromium } = await checkPrerequisites('npm test', [], { chromium: true });
      return test(chromium);
    }
    default:
      process.stderr.write('usage: cli.ts start [--security sasl_ssl] | infra [--security sasl_ssl] | test\n');
      return 2;
  }
}

/** Reported without a stack trace: the message is the whole story. */
class PrerequisitesMissing extends Error {}

/** `chromium`: the console's browser suite needs one (npm test); found, or installed when it can be (chromium.ts). */
async function checkPrerequisites(command: string, ports: PreflightOptions['ports'], needs: { chromium?: boolean } = {}): Promise<{ chromium?: string }> {
  const needsMaven = !(await kafkaJarsCached(CACHE_DIR));
  const browser = needs.chromium ? await ensureChromium(log) : undefined;
  const problems = await preflight({
    nodeVersion: process.versions.node,
    javaBin: javaBin(),
    needsMaven,
    postgresAdminUrl: POSTGRES_ADMIN_URL,
    postgresAdminUrlFromEnv: process.env.POSTGRES_ADMIN_URL !== undefined,
    redisUrl: REDIS_URL,
    ports,
  });
  if (browser && 'problem' in browser) problems.push(browser.problem);
  if (problems.length > 0) throw new PrerequisitesMissing(formatProblems(problems, command));
  const chromium = browser && 'path' in browser ? browser.path : undefined;
  log(
    `prerequisites found: Java, ${needsMaven ? 'Maven, ' : ''}PostgreSQL at ${withoutPassword(POSTGRES_ADMIN_URL)}, Redis at ${withoutPassword(REDIS_URL)}${chromium ? `, Chromium at ${chromium}` : ''}`,
  );
  return { chromium };
}

async function start(kafkaSecurity: KafkaSecurityMode): Promise<number> {
  await buildConsole();
  const jwtSigningKeysFile = await ensureSigningKeys(join(DATA_DIR, 'dev-jwt-signing-keys.json'));
  const infra = await startInfra(devInfraOptions(kafkaSecurity));
  const services = await startServices(infra, { basePort: GATEWAY_PORT, jwtSigningKeysFile }).catch(async (error) => {
    await infra.stop();
    throw error;
  });
  const receiverPort = GATEWAY_PORT + 5;
  let receiver: ReturnType<typeof spawnService> | undefined;
  let operator: OperatorSignIn;
  const stopAll = async () => {
    if (receiver) await stopService(receiver);
    await services.stop();
    await infra.stop();
  };
  try {
    await registerOAuthClient(infra.databaseUrls.gateway, DEMO.clientId, DEMO.clientSecret, ['read', 'write']);
    operator = await createOperator(infra.databaseUrls.gateway, DEMO.operator.username, DEMO.operator.displayName);
    const { webhookSecret } = await seedDemoData(
      { inventory: services.urls['inventory-service'], orders: services.urls['order-service'], notifications: services.urls['notification-service'] },
      `http://127.0.0.1:${receiverPort}/webhooks`,
    );
    receiver = spawnService(
      { name: 'webhook-receiver', entry: 'apps/webhook-receiver/src/main.ts', port: receiverPort, readyPath: '/', env: { WEBHOOK_SECRET: webhookSecret } },
      join(DATA_DIR, 'logs'),
    );
  } catch (error) {
    await stopAll();
    throw error;
  }
  process.stdout.write(quickStart(services.urls.gateway, operator));
  await untilSignal();
  log('stopping …');
  await stopAll();
  log('stopped');
  return 0;
}

async function infraOnly(kafkaSecurity: KafkaSecurityMode): Promise<number> {
  const infra = await startInfra(devInfraOptions(kafkaSecurity));
  const asEnv = (env: Record<string, string>) => Object.entries(env).map(([name, value]) => `${name}=${value}`);
  process.stdout.write(
    [
      '',
      'Infrastructure is up. Run one service against it, e.g.:',
      `  ${[`KAFKA_BROKERS=${infra.kafkaBrokers}`, ...asEnv(infra.kafkaClientEnv('order-service')), `DATABASE_URL=${infra.databaseUrls['order-service']}`].join(' ')} npx nx serve order-service`,
      ...(infra.kafkaSecurity
        ? [
            `Kafka is SASL_SSL only (SCRAM-SHA-512 or PLAIN), with each service's KafkaUser ACLs; mutual TLS on ${infra.kafkaSecurity.mutualTlsBrokers}.`,
            `Each service connects as its own user (${KAFKA_SERVICES.join(', ')}): KAFKA_SASL_USERNAME=<service>, KAFKA_SASL_PASSWORD_FILE=${join(infra.kafkaSecurity.dir, '<service>.password')}.`,
            `Super user for tools: ${asEnv(infra.kafkaClientEnv(BROKER_ADMIN_USER)).join(' ')}`,
            `Mutual TLS: KAFKA_SSL=true KAFKA_SSL_CA_FILE=${infra.kafkaSecurity.ca.certFile} KAFKA_SSL_CERT_FILE=${infra.kafkaSecurity.clientCertFile} KAFKA_SSL_KEY_FILE=${infra.kafkaSecurity.clientKeyFile}`,
          ]
        : []),
      'Databases per service:',
      ...Object.entries(infra.databaseUrls).map(([service, url]) => `  ${service.padEnd(22)} ${url}`),
      `The gateway also needs Redis: REDIS_URL=${withoutPassword(REDIS_URL)}`,
      'Ctrl-C stops Kafka.',
      '',
    ].join('\n'),
  );
  await untilSignal();
  log('stopping Kafka …');
  await infra.stop();
  log('stopped');
  return 0;
}

/**
 * Starts the infra once, runs the unit/integration suites (every project's `test` target, the conformance
 * suite among them) against it, then each system-level suite in turn: the e2e suite, observability on real
 * processes, and the short forms of the chaos suite and the benchmark. Those bring up their own brokers where
 * they need to kill or restart one. A failing stage does not skip the others; the summary names each.
 */
async function test(chromium: string | undefined): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'order-saga-test-'));
  // Every Jest run of every stage appends its failed tests here; they are named again after the summary.
  const failedTestsFile = join(dataDir, 'failed-tests.jsonl');
  let infra: Infra | undefined;
  try {
    infra = await startInfra({
      dataDir,
      databasePrefix: process.env.ORDER_SAGA_TEST_DB_PREFIX ?? 'order_saga_test',
      resetDatabases: true,
      postgresAdminUrl: POSTGRES_ADMIN_URL,
      log,
    });
    const env = {
      ...process.env,
      KAFKA_BROKERS: infra.kafkaBrokers,
      POSTGRES_ADMIN_URL,
      ORDER_SAGA_TEST_DATA_DIR: dataDir,
      [FAILED_TESTS_FILE_VARIABLE]: failedTestsFile,
      NX_DAEMON: 'false',
      NX_NO_CLOUD: 'true',
      ...(chromium ? { [CHROMIUM_PATH_VARIABLE]: chromium } : {}),
    };
    // Suites that start and kill their own broker must not inherit the shared one.
    const ownBrokerEnv = { ...env, KAFKA_BROKERS: undefined };
    const nx = (...args: string[]) => ['nx', ...args, '--outputStyle=stream', '--skipNxCache'];
    const stages: Array<[string, string[], NodeJS.ProcessEnv]> = [
      ['unit/integration suites', nx('run-many', '-t', 'test', '--parallel=1'), env],
      ['end-to-end suite', nx('run', 'saga-e2e:e2e'), env],
      // Builds the console first (its e2e target depends on console:build), then drives it in headless Chromium.
      ['console browser suite', nx('run', 'console-e2e:e2e'), env],
      ['observability suite', nx('run', 'observability-e2e:e2e'), ownBrokerEnv],
      ['chaos suite (short form)', nx('run', 'saga-chaos:chaos-short'), ownBrokerEnv],
      ['benchmark smoke run', nx('run', 'bench:smoke'), ownBrokerEnv],
    ];
    const results: string[] = [];
    let failed = false;
    // Ctrl-C ends the running stage (runCommand passes the signal on) and skips the rest.
    let interrupted = false;
    const interrupt = () => (interrupted = true);
    process.on('SIGINT', interrupt).on('SIGTERM', interrupt);
    for (const [name, args, stageEnv] of stages) {
      if (interrupted) {
        results.push(`${name}: skipped (interrupted)`);
        failed = true;
        continue;
      }
      const started = Date.now();
      const code = await runCommand('npx', args, stageEnv);
      failed ||= code !== 0;
      results.push(`${name}: ${code === 0 ? 'passed' : 'FAILED'} (${formatElapsed(Date.now() - started)})`);
    }
    for (const line of results) log(line);
    const failures = readFailedTests(failedTestsFile);
    if (failures.length > 0) {
      log(`failed tests (${failures.length}), each with the first lines of its failure:`);
      for (const failure of failures) for (const line of formatFailedTest(failure)) log(line);
    }
    return failed ? 1 : 0;
  } finally {
    await infra?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function devInfraOptions(kafkaSecurity: KafkaSecurityMode = 'plaintext') {
  return {
    dataDir: DATA_DIR,
    databasePrefix: 'order_saga',
    resetDatabases: false,
    postgresAdminUrl: POSTGRES_ADMIN_URL,
    kafkaPort: DEV_KAFKA_PORT,
    kafkaSecurity,
    log,
  };
}

/**
 * The operator console's static files, which the gateway serves at /console/ (a couple of seconds with Vite). A
 * failed build leaves the API as it is: the gateway then answers /console/ with how to build it.
 */
async function buildConsole(): Promise<void> {
  const started = Date.now();
  // vite's exports do not name its bin; its package.json is exported, and the bin sits beside it.
  const vite = join(dirname(require.resolve('vite/package.json', { paths: [REPO_ROOT] })), 'bin', 'vite.js');
  const code = await runCommand(process.execPath, [vite, 'build', 'apps/console', '--logLevel', 'warn'], process.env);
  if (code === 0) log(`operator console built (${formatElapsed(Date.now() - started)})`);
  else log(`the operator console did not build (exit ${code}); the API runs without it: \`npx nx run console:build\` shows why`);
}

/**
 * Runs a stage in its own process group and passes SIGINT/SIGTERM to the whole group: npx runs nx
 * through `sh -c`, which does not pass a signal on, so signalling npx alone left nx and jest running.
 */
function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: 'inherit', detached: true });
    const forward = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // the group is gone already
      }
    };
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/**
 * Resolves on the first SIGINT or SIGTERM. The listener stays: a terminal's Ctrl-C reaches this process
 * both directly and forwarded by tools/bootstrap.mjs, and the second one must not cut the orderly stop
 * short (killOnExit in kafka-broker.ts only steps in when nobody else listens).
 */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = () => {
      if (!received) resolve();
      received = true;
    };
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  });
}

function quickStart(gateway: string, operator: OperatorSignIn): string {
  return `
The order saga is running. Gateway: ${gateway}   (Ctrl-C stops everything)

Operator console: ${gateway}/console/
   sign in as ${operator.username}, password ${operator.password}   (a new password at every start)

1. Get a token:
   TOKEN=$(curl -s -X POST ${gateway}/oauth/token \\
     -d grant_type=client_credentials -d client_id=${DEMO.clientId} -d client_secret=${DEMO.clientSecret} -d 'scope=read write' \\
     | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')

2. Place an order:
   curl -s -X POST ${gateway}/api/v1/orders \\
     -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -H 'X-Request-ID: demo-1' \\
     -d '{"customer_id":"${DEMO.customerId}","items":[{"product_id":"SKU-001","quantity":2}],
          "shipping_address":{"street":"1 Main St","city":"Springfield","postal_code":"12345","country":"US"}}'

   Try customer_id "${DEMO.decliningCustomerId}" (payment declined → 402) or product "SKU-003" (out of stock → 409).

3. Operators (the console's API, docs/operator-access.md), with the sign-in above:
   curl -s -c .data/operator.cookies -X POST ${gateway}/api/v1/operator/session \
     -H 'Content-Type: application/json' -d '{"username":"${operator.username}","password":"${operator.password}"}'
   curl -s -b .data/operator.cookies '${gateway}/api/v1/operator/sagas?state=stuck'

Logs: ${join(DATA_DIR, 'logs')}/<service>.log (the webhook receiver logs each delivered event)
`;
}

main(process.argv[2], process.argv.slice(3)).then(
  (code) => process.exit(code),
  (error: Error) => {
    const explained = error instanceof PrerequisitesMissing || error instanceof ServiceStartFailed || error instanceof DataDirInUse;
    process.stderr.write(`[order-saga] ${explained ? error.message : (error.stack ?? error.message)}\n`);
    process.exit(1);
  },
);
