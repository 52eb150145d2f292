import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (user + system) of a process in clock ticks, from the text of /proc/<pid>/stat. */
export function cpuTicksFromStat(statText: string): number {
  // The command name (field 2) is in parentheses and may itself hold spaces or ')'; the fields
  // after the LAST ')' are fixed: state is field 3, utime field 14, stime field 15.
  const afterName = statText.slice(statText.lastIndexOf(')') + 2).trim().split(/\s+/);
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
      return [{ name, pid, cpuPercent: Math.round((cpuSeconds / seconds) * 1000) / 10, rssPeakMb: mb(this.peakRss.get(pid) ?? last.rssBytes), rssEndMb: mb(last.rssBytes) }];
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

/**
 * CPU of a changing set of processes, e.g. the PostgreSQL backends serving the bench's databases. A member
 * first seen after the start was born during the window, so all its CPU time counts. No RSS: backends
 * share PostgreSQL's buffers, and summing their RSS would count them many times.
 */
export class ProcessGroupSampler {
  private readonly first = new Map<string, Map<number, number>>();
  private readonly last = new Map<string, Map<number, number>>();
  private startedAt = 0;
  private timer?: NodeJS.Timeout;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    private readonly groups: ProcessGroup[],
    private readonly intervalMs = 1000,
  ) {}

  async start(): Promise<void> {
    this.startedAt = performance.now();
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

  async stop(): Promise<ProcessUsage[]> {
    clearInterval(this.timer);
    await this.sampling;
    await this.sample();
    const seconds = (performance.now() - this.startedAt) / 1000;
    return this.groups.map(({ name }) => {
      const first = this.first.get(name) ?? new Map<number, number>();
      const last = this.last.get(name) ?? new Map<number, number>();
      let ticks = 0;
      for (const [pid, end] of last) ticks += end - (first.get(pid) ?? 0);
      return { name, pid: 0, cpuPercent: Math.round((ticks / clockTicksPerSecond() / seconds) * 1000) / 10, rssPeakMb: Number.NaN, rssEndMb: Number.NaN };
    });
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
