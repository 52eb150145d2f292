import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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
