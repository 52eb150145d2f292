/**
 * Starts a real single-node Apache Kafka broker (KRaft, combined broker+controller) from the
 * Maven Central jars, for local development and integration tests. Needs `java` (17+) and `mvn`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect as connectTls } from 'node:tls';
import { brokerUsing, DataDirInUse, forgetBroker, recordBroker } from './broker-lock';
import { BROKER_ADMIN_USER, type BrokerSecurity } from './broker-security';
import { freePort } from './free-port';
import { heartbeat } from './progress';

/** Keep in step with kafka.version in tools/infra/kafka/pom.xml. */
export const KAFKA_VERSION = '3.9.1';

const KAFKA_DIR = resolve(__dirname, '../kafka');
const POM = join(KAFKA_DIR, 'pom.xml');
const LOG4J_CONFIG = join(KAFKA_DIR, 'log4j.properties');

const STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

export interface KafkaBrokerOptions {
  /** Where the broker jars are cached, under `kafka-<version>/libs`. */
  cacheDir: string;
  /** Holds server.properties, the data (`kraft-logs/`) and the broker log (`logs/server.log`). */
  dataDir: string;
  port?: number;
  controllerPort?: number;
  heapMb?: number;
  /** Deadline for the broker to answer on its port. */
  startupTimeoutMs?: number;
  /** For a node of a multi-node cluster (kafka-cluster.ts): its id, the shared cluster id and the voters. Default: node 1, alone. */
  nodeId?: number;
  clusterId?: string;
  controllerQuorumVoters?: string;
  /** server.properties entries that replace or add to the defaults, e.g. replication factors of a cluster. */
  properties?: Record<string, string | number | boolean>;
  /**
   * A SASL_SSL listener on `port` (SCRAM-SHA-512 and PLAIN, every user of `security.passwords`) and a mutual-TLS
   * (SSL, client certificate required) listener on `mutualTlsPort`, instead of PLAINTEXT; ACLs enforced
   * (StandardAuthorizer), BROKER_ADMIN_USER a super user. See broker-security.ts.
   */
  security?: BrokerSecurity;
  mutualTlsPort?: number;
  log?: (line: string) => void;
}

export interface KafkaBroker {
  /** PLAINTEXT, or SASL_SSL when started with `security`. */
  readonly bootstrapServers: string;
  /** With `security`: the listener that wants a client certificate (SSL). */
  readonly mutualTlsBootstrapServers?: string;
  readonly pid: number;
  /** Resolves once the JVM has exited: SIGTERM, then SIGKILL after 20 s. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Copies the broker jars into `<cacheDir>/kafka-<version>/libs` once and returns a java
 * classpath for them. A marker file holding the pom's hash makes later calls free and makes a
 * changed pom (or an interrupted download) fetch again.
 */
export async function resolveKafkaClasspath(cacheDir: string, log: (line: string) => void = () => undefined): Promise<string> {
  const { libs, marker } = jarCache(cacheDir);
  const pom = await readFile(POM, 'utf8');
  const pomHash = createHash('sha256').update(pom).digest('hex');

  if ((await readFile(marker, 'utf8').catch(() => '')) !== pomHash) {
    // Download into a private folder and swap it in, so a concurrent or interrupted run never
    // leaves a half-filled libs/ behind a valid marker.
    const staging = `${libs}.${process.pid}.tmp`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(dirname(libs), { recursive: true });
    log(
      `kafka ${KAFKA_VERSION}: first-time download of the broker jars (${pomArtifacts(pom).join(', ')} and their dependencies, 57 jars, about 46 MB) with Maven, from ~/.m2 or Maven Central into ${libs}`,
    );
    const progress = heartbeat(log, (elapsed) => `kafka ${KAFKA_VERSION}: still fetching the broker jars … ${elapsed}`);
    try {
      await run('mvn', ['-q', '-B', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime']);
    } finally {
      progress.stop();
    }
    await rm(libs, { recursive: true, force: true });
    await rename(staging, libs);
    await writeFile(marker, pomHash);
    log(`kafka ${KAFKA_VERSION}: ${(await readdir(libs)).length} jars fetched in ${progress.elapsed()}; later runs reuse them`);
  }
  return join(libs, '*');
}

/** Whether the broker jars are already in the cache (for the current pom), i.e. Maven is not needed. */
export async function kafkaJarsCached(cacheDir: string): Promise<boolean> {
  const pomHash = createHash('sha256')
    .update(await readFile(POM))
    .digest('hex');
  return (await readFile(jarCache(cacheDir).marker, 'utf8').catch(() => '')) === pomHash;
}

function jarCache(cacheDir: string): { libs: string; marker: string } {
  const root = join(resolve(cacheDir), `kafka-${KAFKA_VERSION}`);
  return { libs: join(root, 'libs'), marker: join(root, 'complete') };
}

/** `groupId:artifactId:version` of each dependency the pom declares, its `${property}` versions resolved. */
export function pomArtifacts(pom: string): string[] {
  const properties = new Map(
    [...pom.matchAll(/<properties>([\s\S]*?)<\/properties>/g)].flatMap(([, block]) =>
      [...block.matchAll(/<([\w.-]+)>([^<]*)<\/\1>/g)].map(([, name, value]) => [name, value.trim()] as const),
    ),
  );
  const tag = (block: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(block)?.[1].trim() ?? '?';
  return [...pom.matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)].map(([, block]) => {
    const version = tag(block, 'version').replace(/\$\{([^}]+)\}/g, (whole, name: string) => properties.get(name) ?? whole);
    return `${tag(block, 'groupId')}:${tag(block, 'artifactId')}:${version}`;
  });
}

export async function startKafkaBroker(opts: KafkaBrokerOptions): Promise<KafkaBroker> {
  const log = opts.log ?? (() => undefined);
  const dataDir = resolve(opts.dataDir);
  const logsDir = join(dataDir, 'logs');
  const logFile = join(logsDir, 'server.log');
  const propsFile = join(dataDir, 'server.properties');
  const kraftDir = join(dataDir, 'kraft-logs');
  const holder = await brokerUsing(dataDir);
  if (holder !== undefined) throw new DataDirInUse(dataDir, holder);

  const classpath = await resolveKafkaClasspath(opts.cacheDir, log);
  const port = opts.port ?? (await freePort());
  let controllerPort = opts.controllerPort ?? (await freePort());
  while (controllerPort === port) controllerPort = await freePort();
  let mutualTlsPort = opts.security ? (opts.mutualTlsPort ?? (await freePort())) : undefined;
  while (mutualTlsPort !== undefined && (mutualTlsPort === port || mutualTlsPort === controllerPort)) mutualTlsPort = await freePort();

  await mkdir(logsDir, { recursive: true });
  await writeFile(propsFile, serverProperties(kraftDir, port, controllerPort, opts, mutualTlsPort), { mode: 0o600 });

  const jvmArgs = ['-cp', classpath, `-Dlog4j.configuration=file:${LOG4J_CONFIG}`, `-Dkafka.logs.dir=${logsDir}`];
  // --ignore-formatted lets a dataDir be reused, but only with its own cluster id: Kafka 3.9
  // checks meta.properties against -t before it looks at that flag.
  await run(javaBin(), [
    ...jvmArgs,
    'kafka.tools.StorageTool',
    'format',
    '-t',
    opts.clusterId ?? (await clusterIdOf(kraftDir)),
    '-c',
    propsFile,
    '--ignore-formatted',
    // SCRAM credentials live in the cluster metadata; in KRaft they are written when the storage is formatted.
    ...Object.entries(opts.security?.passwords ?? {}).flatMap(([name, password]) => ['--add-scram', `SCRAM-SHA-512=[name=${name},password=${password}]`]),
  ]);

  // The JVM's own stdout/stderr (e.g. a bad -Xmx, a missing class) never reach log4j, so they are
  // appended to the same file; O_APPEND keeps both writers' lines intact.
  const out = openSync(logFile, 'a');
  const child = spawn(
    javaBin(),
    [`-Xmx${opts.heapMb ?? 512}m`, '-Djava.awt.headless=true', ...jvmOptionsOverride(process.env), ...jvmArgs, 'kafka.Kafka', propsFile],
    { stdio: ['ignore', out, out] },
  );
  closeSync(out);
  const forget = killOnExit(child);
  // 'close' also fires when the spawn itself fails ('exit' then may not).
  const exited = new Promise<void>((done) => child.once('close', () => done()));
  let running = true;
  void exited.then(() => (running = false));
  const failed = new Promise<never>((_, reject) => child.once('error', reject));
  // Recorded once the child's listeners are attached: an exit or a spawn error during the write is not missed.
  if (child.pid !== undefined) await recordBroker(dataDir, child.pid);

  const bootstrapServers = `127.0.0.1:${port}`;
  const listener = opts.security ? 'SASL_SSL' : 'PLAINTEXT';
  log(`kafka ${KAFKA_VERSION}: starting pid ${child.pid} on ${bootstrapServers} (${listener}; log: ${logFile})`);
  const startup = heartbeat(log, (elapsed) => `kafka ${KAFKA_VERSION}: waiting for the broker to answer on ${bootstrapServers} … ${elapsed}`, 5_000);
  const caFile = opts.security?.ca.certFile;
  const ca = caFile ? await readFile(caFile, 'utf8') : undefined;
  try {
    await Promise.race([failed, waitUntilServing(port, () => running, opts.startupTimeoutMs ?? STARTUP_TIMEOUT_MS, ca)]);
  } catch (err) {
    startup.stop();
    child.kill('SIGKILL');
    await exited;
    forget();
    await forgetBroker(dataDir);
    throw new Error(`Kafka broker failed to start: ${(err as Error).message}\n${await summarizeLog(logFile)}`);
  }
  log(`kafka ${KAFKA_VERSION}: ready on ${bootstrapServers} after ${startup.stop()}`);

  return {
    bootstrapServers,
    mutualTlsBootstrapServers: mutualTlsPort === undefined ? undefined : `127.0.0.1:${mutualTlsPort}`,
    pid: child.pid!,
    async stop() {
      if (running) {
        child.kill('SIGTERM');
        if ((await Promise.race([exited, sleep(STOP_TIMEOUT_MS, 'timeout', { ref: false })])) === 'timeout') {
          log(`kafka: pid ${child.pid} ignored SIGTERM for ${STOP_TIMEOUT_MS} ms, killing it`);
          child.kill('SIGKILL');
        }
        await exited;
      }
      forget();
      await forgetBroker(dataDir);
    },
  };
}

/** The first errors (each with the line after it, usually the exception) and the tail of the log. */
async function summarizeLog(logFile: string): Promise<string> {
  const lines = (await readFile(logFile, 'utf8').catch(() => '')).trimEnd().split('\n');
  // After a fatal error Kafka logs hundreds of lines of orderly shutdown, burying the cause.
  const firstErrors = lines.flatMap((line, i) => (/^\[[^\]]+\] (ERROR|FATAL) /.test(line) ? [line, lines[i + 1]] : [])).slice(0, 6);
  return [...(firstErrors.length > 0 ? ['--- first errors ---', ...firstErrors] : []), `--- last lines of ${logFile} ---`, ...lines.slice(-25)].join('\n');
}

function serverProperties(kraftDir: string, port: number, controllerPort: number, opts: KafkaBrokerOptions, mutualTlsPort?: number): string {
  const nodeId = opts.nodeId ?? 1;
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': nodeId,
    'controller.quorum.voters': opts.controllerQuorumVoters ?? `${nodeId}@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': kraftDir,
    'num.partitions': 3,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'auto.create.topics.enable': false,
    'offsets.topic.replication.factor': 1,
    // Fewer internal partitions: much faster first consumer-group join and transaction.
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'group.initial.rebalance.delay.ms': 0,
    ...(opts.security && mutualTlsPort !== undefined ? securityProperties(opts.security, port, controllerPort, mutualTlsPort) : {}),
    ...opts.properties,
    ...propertiesOverride(process.env),
  };
  return Object.entries(props)
    .map(([key, value]) => `${key}=${value}\n`)
    .join('');
}

/**
 * Clients reach the broker over SASL_SSL (SCRAM-SHA-512 or PLAIN) or over SSL with a client certificate; the
 * controller listener stays PLAINTEXT on 127.0.0.1, unadvertised. Its principal (ANONYMOUS) must be a super
 * user, because in KRaft the broker registers with the controller over it; BROKER_ADMIN_USER is the broker's
 * own SASL identity and the launcher's. PEM keystore and truststore: no keytool step.
 */
function securityProperties(security: BrokerSecurity, port: number, controllerPort: number, mutualTlsPort: number): Record<string, string> {
  const admin = security.passwords[BROKER_ADMIN_USER];
  const plainUsers = Object.entries(security.passwords)
    .map(([name, password]) => `user_${name}="${password}"`)
    .join(' ');
  return {
    listeners: `SASL_SSL://127.0.0.1:${port},SSL://127.0.0.1:${mutualTlsPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `SASL_SSL://127.0.0.1:${port},SSL://127.0.0.1:${mutualTlsPort}`,
    'listener.security.protocol.map': 'SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'SASL_SSL',
    'sasl.enabled.mechanisms': 'SCRAM-SHA-512,PLAIN',
    'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${BROKER_ADMIN_USER}" password="${admin}";`,
    'listener.name.sasl_ssl.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username="${BROKER_ADMIN_USER}" password="${admin}" ${plainUsers};`,
    'listener.name.ssl.ssl.client.auth': 'required',
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': security.brokerKeystoreFile,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': security.ca.certFile,
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': `User:${BROKER_ADMIN_USER};User:ANONYMOUS`,
  };
}

/**
 * Broker tuning for experiments (e.g. an interleaved bench of GC or thread-count settings)
 * without editing this file: KAFKA_BROKER_JVM_OPTS is a space-separated list of JVM options
 * (each must start with '-'), placed after -Xmx so an -Xmx there wins; KAFKA_BROKER_PROPERTIES is
 * `key=value,key=value`, applied over every other server.properties entry. Both apply to every
 * broker this launcher starts (npm start, the specs, the bench, each node of kafka-cluster.ts).
 * Unset or empty: no change.
 */
export function jvmOptionsOverride(env: NodeJS.ProcessEnv): string[] {
  const options = (env.KAFKA_BROKER_JVM_OPTS ?? '').split(/\s+/).filter((option) => option !== '');
  const bad = options.find((option) => !option.startsWith('-'));
  if (bad !== undefined) throw new Error(`KAFKA_BROKER_JVM_OPTS: '${bad}' is not a JVM option (options start with '-')`);
  return options;
}

/** See jvmOptionsOverride. */
export function propertiesOverride(env: NodeJS.ProcessEnv): Record<string, string> {
  const entries = (env.KAFKA_BROKER_PROPERTIES ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return Object.fromEntries(
    entries.map((entry) => {
      const match = /^([a-z0-9._-]+)=([^\s=]+)$/i.exec(entry);
      if (!match) throw new Error(`KAFKA_BROKER_PROPERTIES: '${entry}' is not key=value (entries are separated by ',')`);
      return [match[1], match[2]];
    }),
  );
}

/**
 * The cluster id already in `kraftDir`, else a new one: 16 random bytes in base64url, like
 * Kafka's own Uuid.randomUuid(), which also avoids a leading '-'.
 */
async function clusterIdOf(kraftDir: string): Promise<string> {
  const meta = await readFile(join(kraftDir, 'meta.properties'), 'utf8').catch(() => '');
  const existing = /^cluster\.id=(.+)$/m.exec(meta)?.[1].trim();
  if (existing) return existing;
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** The java the broker runs on: JAVA_HOME's, else the one on PATH. */
export function javaBin(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((done, reject) => {
    execFile(cmd, args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
      // err.message already holds the command line and stderr; Maven reports errors on stdout.
      if (err) reject(new Error(`${err.message}\n${stdout}`.trimEnd()));
      else done();
    });
  });
}

/**
 * Polls with ApiVersions v0 until it answers with error_code 0. In Kafka 3.9 the PLAINTEXT
 * acceptors only start once the broker is unfenced, so an answer means topics can be created.
 */
async function waitUntilServing(port: number, running: () => boolean, timeoutMs: number, ca?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  for (;;) {
    if (!running()) throw new Error('the broker process exited');
    if (Date.now() > deadline) throw new Error(`no answer on port ${port} within ${timeoutMs} ms (${lastError})`);
    try {
      const errorCode = (await kafkaRequest(port, API_VERSIONS, 0, Buffer.alloc(0), ca)).readInt16BE(0);
      if (errorCode === 0) return;
      lastError = `ApiVersions error_code ${errorCode}`;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await sleep(100);
  }
}

const API_VERSIONS = 18;
const CLIENT_ID = Buffer.from('kafka-broker-probe');

/**
 * One request/response over a fresh connection, in the classic (non-flexible) framing:
 * request  = size:int32 api_key:int16 api_version:int16 correlation_id:int32 client_id:string body
 * response = size:int32 correlation_id:int32 body
 * Returns the response body. With `ca`, over TLS checked against it: a SASL_SSL listener answers ApiVersions
 * before any SASL exchange.
 */
function kafkaRequest(port: number, apiKey: number, apiVersion: number, body: Buffer, ca?: string): Promise<Buffer> {
  const correlationId = randomBytes(4).readInt32BE(0);
  const header = Buffer.alloc(14);
  header.writeInt32BE(10 + CLIENT_ID.length + body.length, 0);
  header.writeInt16BE(apiKey, 4);
  header.writeInt16BE(apiVersion, 6);
  header.writeInt32BE(correlationId, 8);
  header.writeInt16BE(CLIENT_ID.length, 12);

  return new Promise((done, reject) => {
    const socket: Socket = ca ? connectTls({ host: '127.0.0.1', port, ca }) : connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    socket.setTimeout(2_000, () => socket.destroy(new Error('timed out waiting for a response')));
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('connection closed before a full response')));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      socket.destroy();
      if (received.readInt32BE(4) !== correlationId) reject(new Error('response has the wrong correlation id'));
      else done(received.subarray(8, 4 + received.readInt32BE(0)));
    });
    socket.write(Buffer.concat([header, CLIENT_ID, body]));
  });
}

const doomed = new Set<ChildProcess>();

/**
 * Makes sure `child` dies with this Node process: SIGKILL on process 'exit' (only synchronous
 * work is possible there) and on SIGINT/SIGTERM when nothing else handles those signals, after
 * which the signal is re-raised so the process still ends the default way. When another
 * listener handles the signal, it decides whether the process exits and the 'exit' hook covers
 * that. A SIGKILL of this process cannot be caught: the child then outlives it.
 * Returns a function that stops watching `child` (call it once the child is stopped).
 */
export function killOnExit(child: ChildProcess): () => void {
  if (doomed.size === 0) installExitHooks();
  doomed.add(child);
  return () => {
    doomed.delete(child);
    if (doomed.size === 0) removeExitHooks();
  };
}

function killDoomed(): void {
  for (const child of doomed) child.kill('SIGKILL');
  doomed.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return; // another handler owns shutdown
  // Without listeners Node applies the signal's default action again, so re-raising ends us.
  killDoomed();
  removeExitHooks();
  process.kill(process.pid, signal);
}

function installExitHooks(): void {
  process.on('exit', killDoomed);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function removeExitHooks(): void {
  process.off('exit', killDoomed);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}
