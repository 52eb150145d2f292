import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (user + system) of a process in clock ticks, from the text of /proc/<pid>/stat. */
export function cpuTicksFromStat(statText: string): number {
  // The command name (field 2) is in parentheses and may itself hold spaces or ')'; the fields
  // after the LAST ')' are fixed: state is field 3, utime field 14, stime field 15.
  const afterName = statText
    .slice(statText.lastIndexOf(')') + 2)
    .trim()
    .split(/\s+/);
  const utime = Number(afterName[14 - 3]);
  const stime = Number(afterName[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unreadable /proc stat: ${statText.slice(0, 80)}`);
  return utime + stime;
}

/** Resident set size in bytes, from the text of /proc/<pid>/status. */
export function rssBytesFromStatus(statusText: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(statusText);
  if (!match) throw new Error('no VmRSS line in /proc status');
  return Number(match[1]) * 1024;
}

let clockTicks: number | undefined;
/** USER_HZ; 100 on every Linux we run on, asked once in case a kernel differs. */
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export interface ProcessReading {
  cpuTicks: number;
  rssBytes: number;
}

/** One reading of a live process; undefined once it has exited. */
export function readProcess(pid: number): ProcessReading | undefined {
  try {
    return { cpuTicks: cpuTicksFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8')), rssBytes: rssBytesFromStatus(readFileSync(`/proc/${pid}/status`, 'utf8')) };
  } catch {
    return undefined;
  }
}

export interface ProcessUsage {
  name: string;
  pid: number;
  /** Share of one core over the window: 100 = one core busy the whole time. */
  cpuPercent: number;
  rssPeakMb: number;
  rssEndMb: number;
}

/**
 * Samples RSS of named processes while a step runs (the peak is what a memory limit must cover) and
 * takes CPU time as the difference between the first and last reading.
 */
export class ProcessSampler {
  private readonly first = new Map<number, ProcessReading>();
  private readonly last = new Map<number, ProcessReading>();
  private readonly peakRss = new Map<number, number>();
  private startedAt = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly processes: { name: string; pid: number }[],
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    this.startedAt = performance.now();
    this.sample(this.first);
    this.timer = setInterval(() => this.sample(this.last), this.intervalMs);
  }

  stop(): ProcessUsage[] {
    clearInterval(this.timer);
    this.sample(this.last);
    const seconds = (performance.now() - this.startedAt) / 1000;
    const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    return this.processes.flatMap(({ name, pid }) => {
      const first = this.first.get(pid);
      const last = this.last.get(pid);
      if (!first || !last) return [];
      const cpuSeconds = (last.cpuTicks - first.cpuTicks) / clockTicksPerSecond();
      return [
        {
          name,
          pid,
          cpuPercent: Math.round((cpuSeconds / seconds) * 1000) / 10,
          rssPeakMb: mb(this.peakRss.get(pid) ?? last.rssBytes),
          rssEndMb: mb(last.rssBytes),
        },
      ];
    });
  }

  private sample(into: Map<number, ProcessReading>): void {
    for (const { pid } of this.processes) {
      const reading = readProcess(pid);
      if (!reading) continue;
      into.set(pid, reading);
      this.peakRss.set(pid, Math.max(this.peakRss.get(pid) ?? 0, reading.rssBytes));
    }
  }
}

/** PIDs whose command line contains `fragment` (e.g. the Kafka JVM started with the bench's data folder). */
export function pidsWithCommandLine(fragment: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(fragment);
      } catch {
        return false;
      }
    })
    .map(Number);
}

export interface ProcessGroup {
  name: string;
  /** Resolved again at every sample: members may come and go (PostgreSQL backends of a pool). */
  pids(): Promise<number[]>;
}

/** Cumulative CPU ticks of each member of each named group at one moment: name → pid → ticks. */
export type CpuTicks = Map<string, Map<number, number>>;

/**
 * CPU milliseconds each named group used between two readings of the cumulative counters. A pid absent from
 * `first` was born inside the window, so all of its time counts; a pid that exited keeps its last reading in
 * `last` (the sampler re-reads every second), so its time up to that reading counts.
 */
export function cpuMsBetween(first: CpuTicks, last: CpuTicks, ticksPerSecond: number): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [name, ends] of last) {
    const starts = first.get(name) ?? new Map<number, number>();
    let ticks = 0;
    for (const [pid, end] of ends) ticks += end - (starts.get(pid) ?? 0);
    result[name] = (ticks / ticksPerSecond) * 1000;
  }
  return result;
}

/** The parent PID (field 4) from the text of /proc/<pid>/stat, e.g. the postmaster of a PostgreSQL process. */
export function parentPidFromStat(statText: string): number {
  const ppid = Number(
    statText
      .slice(statText.lastIndexOf(')') + 2)
      .trim()
      .split(/\s+/)[4 - 3],
  );
  if (!Number.isInteger(ppid)) throw new Error(`unreadable /proc stat: ${statText.slice(0, 80)}`);
  return ppid;
}

/**
 * Cumulative CPU time (utime + stime from /proc/<pid>/stat, every thread of the process) of named groups of
 * processes over a window: a fixed process is a group of one; the PostgreSQL backends of a pool are a group
 * whose members come and go. Differences of counters, not sampled percentages: the periodic re-reading only
 * finds members born later and keeps the last figure of members that exit. A member born and gone between two
 * readings (a one-query connection) is missed. No RSS: backends share PostgreSQL's buffers, and summing their
 * RSS would count them many times.
 */
export class CpuTimeAccount {
  private readonly first: CpuTicks = new Map();
  private readonly last: CpuTicks = new Map();
  private timer?: NodeJS.Timeout;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    private readonly groups: ProcessGroup[],
    private readonly intervalMs = 1000,
  ) {}

  async start(): Promise<void> {
    for (const group of this.groups) {
      const ticks = new Map<number, number>();
      for (const pid of await group.pids()) {
        const reading = readProcess(pid);
        if (reading) ticks.set(pid, reading.cpuTicks);
      }
      this.first.set(group.name, ticks);
      this.last.set(group.name, new Map(ticks));
    }
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(() => this.sample()).catch(() => undefined);
    }, this.intervalMs);
  }

  /** CPU ms per group from start() to now, every member read now. */
  async read(): Promise<Record<string, number>> {
    await (this.sampling = this.sampling.then(() => this.sample()));
    return cpuMsBetween(this.first, this.last, clockTicksPerSecond());
  }

  /** The final read(); the account stops sampling. */
  async stop(): Promise<Record<string, number>> {
    clearInterval(this.timer);
    return this.read();
  }

  private async sample(): Promise<void> {
    for (const group of this.groups) {
      const last = this.last.get(group.name);
      if (!last) continue;
      for (const pid of await group.pids()) {
        const reading = readProcess(pid);
        if (reading) last.set(pid, reading.cpuTicks);
      }
    }
  }
}

/** A fixed process as a group of one. */
export function singleProcess({ name, pid }: { name: string; pid: number }): ProcessGroup {
  return { name, pids: async () => [pid] };
}
