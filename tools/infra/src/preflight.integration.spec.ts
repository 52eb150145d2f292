import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { javaBin } from './kafka-broker';
import { REGISTER, REPO_ROOT } from './paths';
import { checkJava, preflight } from './preflight';

const POSTGRES_ADMIN_URL = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let binDir: string;
beforeAll(() => {
  binDir = mkdtempSync(join(tmpdir(), 'preflight-bin-'));
});
afterAll(() => rmSync(binDir, { recursive: true, force: true }));

/** Runs the real launcher (`npm run infra` minus the bootstrap) and collects what it prints. */
function runLauncher(command: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', REGISTER, join(REPO_ROOT, 'tools', 'infra', 'src', 'cli.ts'), command], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('preflight on this machine', () => {
  it('finds nothing missing where Java, PostgreSQL and Redis are as the README asks', async () => {
    const problems = await preflight({
      nodeVersion: '22.23.5',
      javaBin: javaBin(),
      needsMaven: true,
      postgresAdminUrl: POSTGRES_ADMIN_URL,
      postgresAdminUrlFromEnv: false,
      redisUrl: REDIS_URL,
    });
    expect(problems).toEqual([]);
  });

  it('refuses a Java older than 17 and says which version it found', async () => {
    const oldJava = join(binDir, 'java11');
    writeFileSync(oldJava, '#!/bin/sh\necho \'openjdk version "11.0.22" 2024-01-16\' >&2\n');
    chmodSync(oldJava, 0o755);
    expect((await checkJava(oldJava, 10_000))?.found).toBe(`\`${oldJava}\` is Java 11; Kafka 3.9 needs 17 or later`);
  });
});

describe('npm run infra without its prerequisites', () => {
  it('names Java, PostgreSQL (with POSTGRES_ADMIN_URL) and Redis with their fixes at once, exits 1 and starts nothing', async () => {
    const closedPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // No java on PATH (the launcher itself runs on process.execPath).
      PATH: binDir,
      JAVA_HOME: undefined,
      POSTGRES_ADMIN_URL: 'postgres://nobody@127.0.0.1:5432/postgres',
      REDIS_URL: `redis://127.0.0.1:${closedPort}`,
      KAFKA_PORT: String(await freePort()),
    };
    const { code, stdout, stderr } = await runLauncher('infra', env);

    expect(code).toBe(1);
    expect(stderr).toContain('npm run infra cannot start:');
    expect(stderr).toContain('✗ Java ≥ 17: `java` not found');
    expect(stderr).toMatch(/fix: install a JDK or JRE ≥ 17 .*JAVA_HOME/);
    expect(stderr).toContain('✗ PostgreSQL: reachable at postgres://nobody@127.0.0.1:5432/postgres but authentication failed: role "nobody" does not exist');
    expect(stderr).toContain('fix: correct POSTGRES_ADMIN_URL');
    expect(stderr).toContain(`✗ Redis: not reachable at redis://127.0.0.1:${closedPort} (ECONNREFUSED)`);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stdout).not.toContain('starting Kafka');
  });
});
