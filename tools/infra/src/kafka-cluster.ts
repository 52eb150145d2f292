/**
 * A KRaft cluster of one or more combined broker+controller nodes on loopback, built from
 * startKafkaBroker. Each node can be killed and started again on its own ports and data, which is
 * what the chaos suite needs to restart "the broker" (one node) or roll through a 3-node cluster.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from './free-port';
import { KafkaBroker, resolveKafkaClasspath, startKafkaBroker } from './kafka-broker';

export interface KafkaClusterOptions {
  cacheDir: string;
  /** Node n keeps its data and log below `<dataDir>/node-<n>`. */
  dataDir: string;
  /** 1 for a single broker; 3 gives replication factor 3 with min.insync.replicas 2. */
  size: number;
  heapMb?: number;
  log?: (line: string) => void;
}

export interface KafkaNode {
  readonly nodeId: number;
  readonly bootstrapServer: string;
  readonly running: boolean;
  /** Ends the node's JVM; SIGKILL is a crash (no controlled shutdown), SIGTERM a clean stop. */
  kill(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Starts the node again on the same ports and data; resolves once it serves requests. */
  start(): Promise<void>;
}

export interface KafkaCluster {
  /** Every node, comma-separated, as clients take it. */
  readonly bootstrapServers: string;
  readonly nodes: KafkaNode[];
  readonly replicationFactor: number;
  /** Creates the missing topics with the cluster's replication factor. */
  ensureTopics(topics: string[], partitions: number): Promise<void>;
  /** Resolves once every partition of every topic has all its replicas in sync. */
  waitUntilFullyReplicated(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startKafkaCluster(options: KafkaClusterOptions): Promise<KafkaCluster> {
  const log = options.log ?? (() => undefined);
  if (options.size !== 1 && options.size < 3) throw new Error('a cluster needs 1 node, or at least 3 for replication factor 3');
  // Resolve the jars once, before the nodes race to do it.
  await resolveKafkaClasspath(options.cacheDir, log);

  const ports = await distinctFreePorts(options.size * 2);
  const ids = Array.from({ length: options.size }, (_, index) => index + 1);
  const brokerPort = (id: number) => ports[(id - 1) * 2];
  const controllerPort = (id: number) => ports[(id - 1) * 2 + 1];
  const voters = ids.map((id) => `${id}@127.0.0.1:${controllerPort(id)}`).join(',');
  const clusterId = newClusterId();
  const replicationFactor = options.size >= 3 ? 3 : 1;
  const properties: Record<string, string | number | boolean> =
    replicationFactor === 3
      ? {
          'default.replication.factor': 3,
          // With acks=all a write needs two live copies: one broker may die without losing anything acknowledged.
          'min.insync.replicas': 2,
          'unclean.leader.election.enable': false,
          'offsets.topic.replication.factor': 3,
          'transaction.state.log.replication.factor': 3,
          'transaction.state.log.min.isr': 2,
        }
      : {};

  const nodes = ids.map((nodeId) => {
    let broker: KafkaBroker | undefined;
    const start = async () => {
      broker = await startKafkaBroker({
        cacheDir: options.cacheDir,
        dataDir: join(options.dataDir, `node-${nodeId}`),
        port: brokerPort(nodeId),
        controllerPort: controllerPort(nodeId),
        heapMb: options.heapMb ?? 512,
        nodeId,
        clusterId,
        controllerQuorumVoters: voters,
        properties,
        // A restarted node replays its log and waits for the quorum; that takes longer than a first start.
        startupTimeoutMs: 120_000,
        log,
      });
    };
    const node: KafkaNode = {
      nodeId,
      bootstrapServer: `127.0.0.1:${brokerPort(nodeId)}`,
      get running() {
        return broker !== undefined;
      },
      async kill(signal = 'SIGKILL') {
        const current = broker;
        broker = undefined;
        if (!current) return;
        if (signal === 'SIGKILL') process.kill(current.pid, 'SIGKILL');
        // After a SIGKILL this only waits for the exit and forgets the process.
        await current.stop();
      },
      async start() {
        if (broker) throw new Error(`kafka node ${nodeId} is already running`);
        await start();
      },
    };
    return node;
  });

  const stop = async () => {
    await Promise.all(nodes.map((node) => node.kill('SIGTERM')));
  };
  try {
    // All at once: with 3 voters no node is unfenced (and answers) before a quorum is up.
    await Promise.all(nodes.map((node) => node.start()));
  } catch (error) {
    await stop();
    throw error;
  }
  const bootstrapServers = nodes.map((node) => node.bootstrapServer).join(',');
  log(`kafka cluster of ${options.size} node(s) ready at ${bootstrapServers} (replication factor ${replicationFactor})`);

  const withAdmin = async <T>(work: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> => {
    const brokers = nodes.filter((node) => node.running).map((node) => node.bootstrapServer);
    const admin = new Kafka({ clientId: 'order-saga-cluster-admin', brokers, logLevel: logLevel.NOTHING, retry: { retries: 3 } }).admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect();
    }
  };

  return {
    bootstrapServers,
    nodes,
    replicationFactor,
    stop,
    async ensureTopics(topics, partitions) {
      // Right after start not every node has registered or learnt the new topics yet, which kafkajs'
      // own waitForLeaders does not retry; so create, then poll until each partition has a leader.
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          const ready = await withAdmin(async (admin) => {
            const existing = new Set(await admin.listTopics());
            const missing = topics.filter((topic) => !existing.has(topic));
            if (missing.length > 0) {
              await admin.createTopics({ waitForLeaders: false, topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor })) });
            }
            const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
            return metadata.every((topic) => topic.partitions.length === partitions && topic.partitions.every((partition) => partition.leader >= 0));
          });
          if (ready) return;
        } catch (error) {
          if (Date.now() > deadline) throw error;
        }
        if (Date.now() > deadline) throw new Error('topics without leaders after 60 s');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    },
    async waitUntilFullyReplicated(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let lagging = 'not checked yet';
      while (Date.now() < deadline) {
        try {
          lagging = await withAdmin(async (admin) => {
            const { topics } = await admin.fetchTopicMetadata({ topics: await admin.listTopics() });
            const short = topics.flatMap((topic) =>
              topic.partitions
                .filter((partition) => partition.isr.length < partition.replicas.length)
                .map((partition) => `${topic.name}[${partition.partitionId}]`),
            );
            return short.length === 0 ? '' : `${short.length} partition(s) under-replicated, e.g. ${short.slice(0, 3).join(', ')}`;
          });
          if (lagging === '') return;
        } catch (error) {
          lagging = (error as Error).message;
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      throw new Error(`kafka cluster not fully replicated within ${timeoutMs} ms: ${lagging}`);
    },
  };
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** 16 random bytes in base64url like Kafka's Uuid.randomUuid(); a leading '-' would read as an option. */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
