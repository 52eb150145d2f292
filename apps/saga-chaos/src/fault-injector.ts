import { SeededRandom } from './seeded-random';

/** Something that can be crashed and brought back: a service replica or a Kafka node. */
export interface FaultTarget {
  label: string;
  /** Targets of one group (the replicas of one service) are never down at the same time. */
  group: string;
  kill(): Promise<void>;
  /** Starts it again and resolves once it is ready. */
  restart(): Promise<void>;
}

export interface FaultPlan {
  /** Pause between two service kills, drawn from [min, max] ms. */
  gapMs: [number, number];
  /** How long a killed service stays down before its restart, drawn from [min, max] ms. */
  downMs: [number, number];
  /**
   * Kafka node faults, each when this share of the orders has been answered. The node faults run
   * one after the other: the next waits until the previous node is back and caught up.
   */
  brokerFaults: { atProgress: number; target: FaultTarget }[];
  /** After a node restart: resolves once every partition has its replicas in sync again. */
  afterBrokerRestart?: () => Promise<void>;
  /** At most this many services down at once, so the run measures recovery rather than a dead system. */
  maxServicesDown: number;
  /** With a single broker nothing can boot while it is down, so service kills wait for it. */
  holdServiceFaultsDuringBrokerFault: boolean;
}

export interface FaultRecord {
  label: string;
  killedAtMs: number;
  backAtMs?: number;
  error?: string;
}

/**
 * Kills services with SIGKILL at random moments (seeded) and restarts them, and crashes Kafka nodes
 * at planned points of the run, until told to stop. Every fault is logged with its time.
 */
export class FaultInjector {
  readonly faults: FaultRecord[] = [];
  private readonly down = new Set<string>();
  private readonly killedGroups = new Set<string>();
  private brokerDown = false;
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;
  private wakeUp: (() => void) | undefined;
  private readonly startedAt = Date.now();

  constructor(
    private readonly random: SeededRandom,
    private readonly services: FaultTarget[],
    private readonly plan: FaultPlan,
    private readonly progress: () => number,
    private readonly log: (line: string) => void,
  ) {}

  /** Runs until stop(); then waits until everything killed is back. */
  async run(): Promise<void> {
    const brokerChain = this.runBrokerFaults();
    while (!this.stopping) {
      await this.pause(this.random.int(...this.plan.gapMs));
      if (this.stopping) break;
      if (this.plan.holdServiceFaultsDuringBrokerFault && this.brokerDown) continue;
      if (this.servicesDown() >= this.plan.maxServicesDown) continue;
      const candidates = this.services.filter((target) => !this.down.has(target.group));
      if (candidates.length === 0) continue;
      // Every service is killed once before any is killed again: a short, fast run must still crash each one.
      const notYetKilled = candidates.filter((target) => !this.killedGroups.has(target.group));
      const target = this.random.pick(notYetKilled.length ? notYetKilled : candidates);
      const downMs = this.random.int(...this.plan.downMs);
      this.track(this.crash(target, downMs));
    }
    await brokerChain;
    await Promise.all([...this.inFlight]);
  }

  /** Groups (services, `kafka`) killed at least once so far. */
  groupsKilled(): string[] {
    return [...this.killedGroups];
  }

  stop(): void {
    this.stopping = true;
    this.wakeUp?.();
  }

  /** When the last fault ended (its target was ready again), ms since the epoch. */
  lastFaultEndedAt(): number {
    return Math.max(this.startedAt, ...this.faults.map((fault) => this.startedAt + (fault.backAtMs ?? fault.killedAtMs)));
  }

  private async runBrokerFaults(): Promise<void> {
    for (const { atProgress, target } of this.plan.brokerFaults) {
      while (!this.stopping && this.progress() < atProgress) await this.pause(250);
      // Every planned broker fault happens, even if the orders were all answered first: sagas are still running.
      this.brokerDown = true;
      try {
        await this.crash(target, this.random.int(1000, 4000));
        await this.plan.afterBrokerRestart?.();
      } finally {
        this.brokerDown = false;
      }
    }
  }

  private async crash(target: FaultTarget, downMs: number): Promise<void> {
    this.down.add(target.group);
    this.killedGroups.add(target.group);
    const record: FaultRecord = { label: target.label, killedAtMs: Date.now() - this.startedAt };
    this.faults.push(record);
    try {
      await target.kill();
      this.log(`fault #${this.faults.length}: SIGKILL ${target.label} at +${(record.killedAtMs / 1000).toFixed(1)} s, down for ${downMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await target.restart();
      record.backAtMs = Date.now() - this.startedAt;
      this.log(`${target.label} is back at +${(record.backAtMs / 1000).toFixed(1)} s`);
    } catch (error) {
      record.error = (error as Error).message;
      this.log(`fault on ${target.label} went wrong: ${record.error}`);
      throw error;
    } finally {
      this.down.delete(target.group);
    }
  }

  private servicesDown(): number {
    return this.services
      .filter((target) => this.down.has(target.group))
      .map((target) => target.group)
      .filter((group, index, all) => all.indexOf(group) === index).length;
  }

  private track(fault: Promise<void>): void {
    const tracked = fault.catch(() => undefined).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
