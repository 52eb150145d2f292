/**
 * What `npm start`, `npm run infra` and `npm test` need from the machine, checked before anything starts,
 * so a first run names every missing piece with its fix at once instead of failing on the first one
 * with a raw `spawn mvn ENOENT` or a pg stack trace.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import Redis from 'ioredis';
import { Client } from 'pg';

export const MIN_JAVA_MAJOR = 17;
export const MIN_NODE_MAJOR = 22;

export interface Problem {
  /** What is missing, as the README's prerequisites name it. */
  prerequisite: string;
  /** What was found, with the address or command that was tried. */
  found: string;
  fix: string;
}

export interface PreflightOptions {
  /** Running node's version (process.versions.node). */
  nodeVersion: string;
  /** The java binary the broker will run (JAVA_HOME/bin/java or `java`). */
  javaBin: string;
  /** Maven is needed only to fetch the broker jars, i.e. while they are not cached yet. */
  needsMaven: boolean;
  postgresAdminUrl: string;
  /** Whether POSTGRES_ADMIN_URL was set (the fix then says to correct it rather than to set it). */
  postgresAdminUrlFromEnv: boolean;
  redisUrl: string;
  /** TCP ports on 127.0.0.1 this command will listen on, each with the variable that moves it. */
  ports?: Array<{ port: number; what: string; variable: string }>;
  /** Per check; a stuck server must not hang the preflight. */
  timeoutMs?: number;
}

/** Every problem found, all checks run in parallel; an empty list means the command can go ahead. */
export async function preflight(options: PreflightOptions): Promise<Problem[]> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const results = await Promise.all([
    checkNode(options.nodeVersion),
    checkJava(options.javaBin, timeoutMs * 3),
    options.needsMaven ? checkMaven(timeoutMs * 3) : undefined,
    checkPostgres(options.postgresAdminUrl, options.postgresAdminUrlFromEnv, timeoutMs),
    checkRedis(options.redisUrl, timeoutMs),
    ...(options.ports ?? []).map((port) => checkPortFree(port.port, port.what, port.variable)),
  ]);
  return results.filter((problem): problem is Problem => problem !== undefined);
}

/** The report printed instead of a stack trace: one block per problem. */
export function formatProblems(problems: Problem[], command: string): string {
  const blocks = problems.map((problem) => `  ✗ ${problem.prerequisite}: ${problem.found}\n    fix: ${problem.fix}`);
  const count = problems.length === 1 ? 'a prerequisite is' : `${problems.length} prerequisites are`;
  return [`${command} cannot start: ${count} missing (see README.md, "Prerequisites").`, ...blocks, ''].join('\n');
}

export function checkNode(version: string): Problem | undefined {
  const major = Number(version.replace(/^v/, '').split('.')[0]);
  if (major >= MIN_NODE_MAJOR) return undefined;
  return {
    prerequisite: `Node ≥ ${MIN_NODE_MAJOR} required`,
    found: `running on Node ${version}`,
    fix: `install Node ${MIN_NODE_MAJOR} LTS (https://nodejs.org/en/download); on linux-x64 \`npm start\`/\`npm test\` fetch it into .cache/ themselves`,
  };
}

/**
 * The major version from `java -version` output (printed on stderr): `openjdk version "17.0.15" 2025-04-15`,
 * `java version "1.8.0_381"` (the old 1.x scheme: 8), `openjdk version "21" 2023-09-19`.
 */
export function parseJavaMajor(output: string): number | undefined {
  const version = /version "([^"]+)"/.exec(output)?.[1];
  if (!version) return undefined;
  const [first, second] = version.split(/[._+-]/).map(Number);
  if (first === 1 && Number.isInteger(second)) return second;
  return Number.isInteger(first) ? first : undefined;
}

const JAVA_FIX = `install a JDK or JRE ≥ ${MIN_JAVA_MAJOR} (Debian/Ubuntu: \`sudo apt-get install openjdk-17-jre-headless\`; macOS: \`brew install openjdk@17\`), or point JAVA_HOME at one`;

export async function checkJava(javaBin: string, timeoutMs: number): Promise<Problem | undefined> {
  const result = await runQuietly(javaBin, ['-version'], timeoutMs);
  if (result.notFound) return { prerequisite: `Java ≥ ${MIN_JAVA_MAJOR}`, found: `\`${javaBin}\` not found (the Kafka broker runs on it)`, fix: JAVA_FIX };
  const major = parseJavaMajor(result.output);
  if (major === undefined)
    return { prerequisite: `Java ≥ ${MIN_JAVA_MAJOR}`, found: `\`${javaBin} -version\` did not print a version: ${firstLine(result.output)}`, fix: JAVA_FIX };
  if (major < MIN_JAVA_MAJOR)
    return { prerequisite: `Java ≥ ${MIN_JAVA_MAJOR}`, found: `\`${javaBin}\` is Java ${major}; Kafka 3.9 needs ${MIN_JAVA_MAJOR} or later`, fix: JAVA_FIX };
  return undefined;
}

export async function checkMaven(timeoutMs: number): Promise<Problem | undefined> {
  const result = await runQuietly('mvn', ['-v'], timeoutMs);
  if (!result.notFound && result.code === 0) return undefined;
  return {
    prerequisite: 'Maven',
    found: result.notFound
      ? '`mvn` not found; it fetches the Kafka broker jars from Maven Central once, into .cache/'
      : `\`mvn -v\` failed: ${firstLine(result.output)}`,
    fix: 'install Maven 3 (Debian/Ubuntu: `sudo apt-get install maven`; macOS: `brew install maven`)',
  };
}

export async function checkPostgres(adminUrl: string, fromEnv: boolean, timeoutMs: number): Promise<Problem | undefined> {
  const shown = withoutPassword(adminUrl);
  const setIt = fromEnv ? 'correct POSTGRES_ADMIN_URL' : 'set POSTGRES_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres, trust auth)';
  const example = 'e.g. POSTGRES_ADMIN_URL=postgres://user:password@127.0.0.1:5432/postgres';
  let client: Client;
  try {
    client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: timeoutMs });
  } catch (error) {
    return { prerequisite: 'PostgreSQL', found: `POSTGRES_ADMIN_URL is not a PostgreSQL URL (${(error as Error).message})`, fix: `${setIt}, ${example}` };
  }
  // pg reports a lost connection as an 'error' event too; the awaited calls below already carry it.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ allowed: boolean }>('SELECT rolcreatedb OR rolsuper AS allowed FROM pg_roles WHERE rolname = current_user');
    if (rows[0]?.allowed) return undefined;
    return {
      prerequisite: 'PostgreSQL',
      found: `connected to ${shown}, but its role may not create databases (one per service is created)`,
      fix: `${setIt} to a role with CREATEDB (\`ALTER ROLE <name> CREATEDB\`), ${example}`,
    };
  } catch (error) {
    return { prerequisite: 'PostgreSQL', ...postgresFailure(error as Error & { code?: string }, shown), fix: `${setIt}, ${example}` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** What a failed connection means, by the error's code (node's for the socket, SQLSTATE for the server). */
export function postgresFailure(error: Error & { code?: string }, shownUrl: string): Pick<Problem, 'found'> {
  switch (error.code) {
    case 'ECONNREFUSED':
    case 'EHOSTUNREACH':
    case 'ENOTFOUND':
    case 'ETIMEDOUT':
      return { found: `not reachable at ${shownUrl} (${error.code}); it must run and accept TCP connections` };
    case '28P01':
    case '28000':
      return { found: `reachable at ${shownUrl} but authentication failed: ${error.message}` };
    case '3D000':
      return { found: `reachable at ${shownUrl} but ${error.message}` };
    default:
      return { found: `cannot use ${shownUrl}: ${error.message || error.code || 'connection failed'}` };
  }
}

export async function checkRedis(url: string, timeoutMs: number): Promise<Problem | undefined> {
  const fix =
    'start Redis (Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew services start redis`), or set REDIS_URL to a reachable one, e.g. REDIS_URL=redis://127.0.0.1:6379';
  let redis: Redis;
  try {
    redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  } catch (error) {
    return { prerequisite: 'Redis', found: `REDIS_URL ${url} is not a Redis URL (${(error as Error).message})`, fix };
  }
  // Without retries, connect() rejects with a bare "Connection is closed."; the cause (ECONNREFUSED, …)
  // comes as an 'error' event.
  let cause: (Error & { code?: string }) | undefined;
  redis.on('error', (error: Error) => (cause ??= error));
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    const failure = cause ?? (error as Error & { code?: string });
    const reason = failure.code ?? failure.message;
    return {
      prerequisite: 'Redis',
      found: `not reachable at ${withoutPassword(url)} (${reason}); the gateway keeps its rate limits there and the e2e suite needs it`,
      fix,
    };
  } finally {
    redis.disconnect();
  }
}

export function checkPortFree(port: number, what: string, variable: string): Promise<Problem | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: Error & { code?: string }) =>
      resolve({
        prerequisite: `a free port for ${what}`,
        found: `127.0.0.1:${port} is taken (${error.code ?? error.message})`,
        fix: `stop what listens there, or set ${variable} to another port`,
      }),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(undefined)));
  });
}

/** A URL as it may be printed: the password replaced by `***`. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

interface RunResult {
  notFound: boolean;
  code: number | null;
  output: string;
}

function runQuietly(command: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ notFound: (error as NodeJS.ErrnoException | null)?.code === 'ENOENT', code, output: `${stdout}${stderr}` });
    });
  });
}
