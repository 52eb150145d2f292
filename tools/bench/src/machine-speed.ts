import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

/**
 * How fast the machine was during a step: the mean CPU time, in ms, of one unit of fixed work
 * (machine-speed.probe.js), read once a second while the step ran. The same work costs more CPU time on a
 * slower machine; on this project's VMs it varied by ±25 % from one second to the next with nothing running,
 * and runs of one build at one rate cost 12.8 to 15.7 ms per saga, in step with the probe (docs/performance.md,
 * "How fast the machine was"). bench:ab uses it to put every run at the same speed; the step's own figures stay
 * as measured.
 */
export interface MachineSpeed {
  /** Readings taken during the step. */
  samples: number;
  /** Mean CPU ms of one unit of the probe's work; higher means slower. */
  unitCpuMs: number;
}

/** The mean of the finite, positive readings; undefined when there is none. */
export function summarizeProbe(readings: number[]): MachineSpeed | undefined {
  const usable = readings.filter((value) => Number.isFinite(value) && value > 0);
  if (!usable.length) return undefined;
  return { samples: usable.length, unitCpuMs: usable.reduce((sum, value) => sum + value, 0) / usable.length };
}

/**
 * `value` as it would read at `referenceUnitCpuMs`: a CPU cost scales with the probe's unit cost, so
 * value × reference ÷ probe. Undefined without a probe reading for the run.
 */
export function atSpeed(value: number, speed: MachineSpeed | undefined, referenceUnitCpuMs: number): number | undefined {
  if (!speed || !(speed.unitCpuMs > 0) || !Number.isFinite(value)) return undefined;
  return (value * referenceUnitCpuMs) / speed.unitCpuMs;
}

const PROBE_SCRIPT = join(__dirname, 'machine-speed.probe.js');

/** The probe as a child process: started when a step starts, stopped with it. */
export class MachineSpeedProbe {
  private child?: ChildProcess;
  private readonly readings: number[] = [];
  private ready?: Promise<void>;

  constructor(private readonly intervalMs = 1000) {}

  /** Forks the probe and resolves once it has warmed up (its readings start then). */
  start(): Promise<void> {
    const child = fork(PROBE_SCRIPT, [], {
      env: { ...process.env, BENCH_PROBE_INTERVAL_MS: String(this.intervalMs) },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.child = child;
    this.ready = new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`machine speed probe exited (${code}) before it was ready`)));
      child.on('message', (message: { ready?: boolean; cpuMs?: number }) => {
        if (message.ready) resolve();
        else if (typeof message.cpuMs === 'number') this.readings.push(message.cpuMs);
      });
    });
    return this.ready;
  }

  /** Readings so far. */
  get readingCount(): number {
    return this.readings.length;
  }

  /** Ends the probe and summarises what it read. */
  async stop(): Promise<MachineSpeed | undefined> {
    const child = this.child;
    if (!child) return undefined;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    }
    return summarizeProbe(this.readings);
  }
}
