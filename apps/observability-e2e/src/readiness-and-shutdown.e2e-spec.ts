import { spawn } from 'node:child_process';
import { REGISTER, REPO_ROOT, RunningService } from '@order-saga/infra';
import { pollUntil, RunningSystem, startSystem, TcpProxy } from '@order-saga/shared/testing';
import { json, observedSystemOptions } from './support/observed-stack';

interface Readiness {
  status: string;
  state: string;
  error?: Record<string, { status: string; message?: string }>;
  info?: Record<string, { status: string }>;
}

/**
 * order-service alone (startSystem with no service, then this one), with its database behind a TCP proxy
 * the test cuts and restores, and the system's own Kafka broker, which the test stops and starts again.
 */
describe('health and shutdown of a real order-service process', () => {
  let system: RunningSystem;
  let proxy: TcpProxy;
  let service: RunningService;

  const readiness = () => json<Readiness>(`${service.url}/health/ready`);
  /**
   * Polls until readiness answers `status` and, when given, `also` holds for the answer. On a loaded
   * machine a probe can fail for a moment on a slow check, so "the next 503" is not proof of the cause.
   */
  const waitForReadiness = (status: number, description: string, also: (body: Readiness) => boolean = () => true) =>
    pollUntil(
      async () => {
        const response = await readiness();
        return response.status === status && also(response.body) ? response : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, description },
    );

  beforeAll(async () => {
    system = await startSystem({ ...observedSystemOptions('ready'), services: [], clients: {} });
    const databaseUrl = new URL(system.databaseUrls['order-service']);
    proxy = new TcpProxy({ host: databaseUrl.hostname, port: Number(databaseUrl.port || 5432) });
    await proxy.start();
    databaseUrl.port = String(proxy.port);
    service = await system.startService('order-service', {
      env: { DATABASE_URL: databaseUrl.toString(), SHUTDOWN_DRAIN_DELAY_MS: '1500', SHUTDOWN_TIMEOUT_MS: '20000' },
    });
  });

  afterAll(async () => {
    // The database back first, so that a service still running shuts down cleanly.
    await proxy?.restore();
    await system?.stop();
    await proxy?.stop();
  });

  it('is ready with its database and Kafka, and reports each check', async () => {
    const { status, body } = await readiness();

    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', state: 'ready', info: { database: { status: 'up' }, kafka: { status: 'up' } } });
  });

  it('readiness goes false while PostgreSQL is unreachable and true again after, liveness stays true', async () => {
    await proxy.cut();

    const down = await waitForReadiness(503, 'readiness 503 naming the database, cut', (body) => body.error?.database?.status === 'down');
    expect(down.body.state).toBe('ready');
    expect((await json(`${service.url}/health/live`)).status).toBe(200);

    await proxy.restore();
    const up = await waitForReadiness(200, 'readiness 200 with the database back');
    expect(up.body.info?.database?.status).toBe('up');
  });

  it('readiness goes false while Kafka is unreachable and true again after', async () => {
    await system.stopBroker();

    const down = await waitForReadiness(503, 'readiness 503 naming the broker, stopped', (body) => body.error?.kafka?.status === 'down');
    expect(down.body.info?.database?.status).toBe('up');

    await system.startBroker();
    const up = await waitForReadiness(200, 'readiness 200 with the broker back');
    expect(up.body.info?.kafka?.status).toBe('up');
  });

  it('on SIGTERM readiness turns false while draining, then the process exits 0', async () => {
    const exited = new Promise<number | null>((resolve) => service.child.once('exit', (code) => resolve(code)));
    service.child.kill('SIGTERM');

    const draining = await waitForReadiness(503, 'readiness 503 in state draining', (body) => body.state === 'draining');
    expect(draining.body).toMatchObject({ status: 'error', state: 'draining' });
    expect(await exited).toBe(0);
  });

  it('a bad variable stops the process with an error naming each bad variable', async () => {
    const child = spawn(process.execPath, ['-r', REGISTER, 'apps/order-service/src/main.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: 'eighty',
        DATABASE_URL: 'mysql://127.0.0.1/orders',
        KAFKA_BROKERS: '127.0.0.1:9',
        SHUTDOWN_TIMEOUT_MS: 'soon',
        OTEL_TRACES_EXPORTER: 'jaeger',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));

    expect(code).toBe(1);
    expect(output).toContain('Invalid configuration');
    for (const name of ['PORT', 'DATABASE_URL', 'SHUTDOWN_TIMEOUT_MS', 'OTEL_TRACES_EXPORTER']) expect(output).toMatch(new RegExp(`\\b${name}:`));
    expect(output).not.toMatch(/\bKAFKA_BROKERS:/);
  });
});
