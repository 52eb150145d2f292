import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REGISTER, REPO_ROOT } from './paths';

export interface ServiceSpec {
  name: string;
  entry: string;
  port: number;
  env: Record<string, string>;
  /** Path answering 200 once the service is ready. */
  readyPath: string;
  /**
   * `source` (default): the TypeScript entry through @swc-node, as in development. `dist`: the compiled
   * JavaScript under `distDir` with plain `node`, as the Docker image runs it (no compiler in the process).
   */
  runtime?: ServiceRuntime;
  /** Output folder of `tsc -p tsconfig.build.json` + `tsc-alias` (see buildDist); for runtime `dist`. */
  distDir?: string;
  /** What node is given before the entry point (default SERVICE_NODE_FLAGS); see imageNodeSettings. */
  nodeFlags?: readonly string[];
}

export type ServiceRuntime = 'source' | 'dist';

/**
 * AsyncLocalStorage (the request and trace ids of the logs, OpenTelemetry's context, the message batch's
 * slot) kept on V8's context frame instead of a promise hook that sets one property per store on every
 * promise; Node 24's default. Every service runs with it: the image, and every process spawned here (npm
 * start, the suites, the bench), so the tests run what production runs. Measured: docs/performance.md.
 */
export const ASYNC_CONTEXT_FRAME_FLAG = '--experimental-async-context-frame';

/**
 * How far V8 lets the old generation grow past what the last full collection kept, before it marks the whole
 * heap again: 60 % instead of V8's own factor, which is at most 30 % under a cap this small. A service
 * keeps ~50 MB alive, most of it the program itself, so under V8's factor it marked those ~50 MB again after
 * every ~15 MB of requests (every ~1.7 s in order-service at 100 orders/s). NODE_OPTIONS refuses V8 flags
 * like this one, so it goes on node's command line: the image's CMD (the Dockerfile; bench-stack.spec.ts keeps
 * the two equal) and every service spawned here. Measured: docs/performance.md, "Fewer full collections".
 */
export const HEAP_GROWING_FLAG = '--heap-growing-percent=60';

/** What node is given before a service's entry point: the image's CMD, the launcher, the bench, tools/perf. */
export const SERVICE_NODE_FLAGS: readonly string[] = [ASYNC_CONTEXT_FRAME_FLAG, HEAP_GROWING_FLAG];

/**
 * NODE_OPTIONS of the services' image (the Dockerfile's ENV; tools/bench's bench-stack.spec.ts keeps the two
 * equal), for the tools that run the compiled services as the image does: the bench and tools/perf. The
 * 128 MB cap leaves room for HEAP_GROWING_FLAG's larger steps above the ~50 MB a service keeps alive.
 */
export const IMAGE_NODE_OPTIONS = `--max-old-space-size=128 ${ASYNC_CONTEXT_FRAME_FLAG}`;

/** How a checkout's image starts node: its Dockerfile's NODE_OPTIONS and the flags its CMD puts before the entry. */
export interface ImageNodeSettings {
  nodeOptions: string;
  nodeFlags: string[];
}

/**
 * Reads how the image of the checkout at `root` runs node (a Dockerfile without one or the other: none), so
 * that a tool running another commit's services (the bench's `--sut`, and so its A/B) runs them with that
 * commit's runtime settings rather than this checkout's.
 */
export function imageNodeSettings(root: string): ImageNodeSettings {
  const path = join(root, 'Dockerfile');
  const dockerfile = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const nodeOptions = /^\s*(?:ENV\s+)?NODE_OPTIONS="?([^"\\\n]+?)"?\s*\\?$/m.exec(dockerfile)?.[1] ?? '';
  const command = /^CMD (\[.*\])\s*$/m.exec(dockerfile)?.[1];
  const argv = command ? (JSON.parse(command) as string[]) : [];
  return { nodeOptions, nodeFlags: argv[0] === 'node' ? argv.slice(1, -1) : [] };
}

export interface RunningService {
  spec: ServiceSpec;
  /** Replaced by respawnService: the current process of this service. */
  child: ChildProcess;
  logFile: string;
  url: string;
}

/** Spawns a service from its TypeScript entry point, its output appended to `<logDir>/<name>.log`. */
export function spawnService(spec: ServiceSpec, logDir: string): RunningService {
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${spec.name}.log`);
  return { spec, child: spawnChild(spec, logFile), logFile, url: `http://127.0.0.1:${spec.port}` };
}

function spawnChild(spec: ServiceSpec, logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a');
  const args = [...(spec.nodeFlags ?? SERVICE_NODE_FLAGS), ...(spec.runtime === 'dist' ? [distEntry(spec)] : ['-r', REGISTER, spec.entry])];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...spec.env, PORT: String(spec.port) },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  return child;
}

/** `apps/x/src/main.ts` → `<distDir>/apps/x/src/main.js`. */
export function distEntry(spec: Pick<ServiceSpec, 'entry' | 'distDir'>): string {
  return resolve(REPO_ROOT, spec.distDir ?? 'dist', spec.entry.replace(/\.ts$/, '.js'));
}

/**
 * Compiles every app the way the Dockerfile does (tsc, then tsc-alias rewriting the path aliases) into
 * `outDir`, for services started with runtime `dist`. `root`: the checkout to compile, with the compiler of
 * its own node_modules (the bench's A/B compiles a git worktree of another commit).
 */
export function buildDist(outDir: string, root = REPO_ROOT): void {
  for (const bin of ['typescript/bin/tsc', 'tsc-alias/dist/bin/index.js']) {
    execFileSync(process.execPath, [require.resolve(bin, { paths: [root] }), '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: root, stdio: 'inherit' });
  }
}

/** Ends the service's process with `signal` (SIGKILL: a crash, no shutdown hooks) and waits for the exit. */
export async function killService(service: RunningService, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  const { child } = service;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}

/**
 * Starts a stopped or crashed service again with the same spec, port and log file (appended to), and
 * returns the new process. Callers wait for it with waitUntilReady.
 */
export function respawnService(service: RunningService): ChildProcess {
  if (service.child.exitCode === null && service.child.signalCode === null) {
    throw new Error(`${service.spec.name} is still running (pid ${service.child.pid})`);
  }
  service.child = spawnChild(service.spec, service.logFile);
  return service.child;
}

/**
 * A service that died or never got ready while starting. Its message ends with the tail of the service's
 * log, which holds the cause; a stack trace of the launcher would add nothing.
 */
export class ServiceStartFailed extends Error {}

/** Polls the readiness path until it answers 200; fails early if the process dies. */
export async function waitUntilReady(service: RunningService, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) {
      throw new ServiceStartFailed(`${service.spec.name} exited with code ${service.child.exitCode} while starting${logTail(service.logFile)}`);
    }
    try {
      const response = await fetch(service.url + service.spec.readyPath, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new ServiceStartFailed(`${service.spec.name} was not ready within ${timeoutMs} ms${logTail(service.logFile)}`);
}

function logTail(logFile: string, lines = 15): string {
  const text = existsSync(logFile) ? readFileSync(logFile, 'utf8').trimEnd() : '';
  return `; last lines of ${logFile}:\n${text.split('\n').slice(-lines).join('\n')}`;
}

/** SIGTERM (graceful shutdown), then SIGKILL if it has not exited within `graceMs`. */
export async function stopService(service: RunningService, graceMs = 15_000): Promise<void> {
  const { child } = service;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
