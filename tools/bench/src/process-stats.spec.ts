import { spawn } from 'node:child_process';
import {
  cpuMsBetween,
  CpuTicks,
  cpuTicksFromStat,
  CpuTimeAccount,
  parentPidFromStat,
  pidsWithCommandLine,
  ProcessSampler,
  readProcess,
  rssBytesFromStatus,
} from './process-stats';

describe('process statistics from /proc', () => {
  it('reads utime + stime even when the command name holds spaces and parentheses', () => {
    const stat = '4971 (node (gateway) x) S 4968 4968 2207 0 -1 4194304 99 0 0 0 250 75 0 0 20 0 11 0 103370 3133440 392';

    expect(cpuTicksFromStat(stat)).toBe(325);
  });

  it('reads the resident set size in bytes', () => {
    expect(rssBytesFromStatus('Name:\tnode\nVmPeak:\t  999 kB\nVmRSS:\t   2192 kB\nRssAnon:\t 1000 kB\n')).toBe(2192 * 1024);
  });

  it('refuses a status text without VmRSS instead of reporting zero', () => {
    expect(() => rssBytesFromStatus('Name:\tzombie\n')).toThrow(/VmRSS/);
  });

  it('measures this very process: a busy spin shows CPU time and a non-zero RSS', () => {
    const sampler = new ProcessSampler([{ name: 'jest', pid: process.pid }], 10_000);
    sampler.start();
    // Spin until the kernel has charged 200 ms of CPU to us (not 200 ms of wall time: the machine is shared).
    const cpuAtStart = process.cpuUsage();
    while (process.cpuUsage(cpuAtStart).user < 200_000) Math.sqrt(Math.random());
    const [usage] = sampler.stop();

    expect(usage.name).toBe('jest');
    expect(usage.rssPeakMb).toBeGreaterThan(10);
    // 200 ms of CPU within the window: at least 20 ticks of 10 ms, whatever the wall time was.
    expect(usage.cpuPercent).toBeGreaterThan(0);
  });

  it('gives no reading for a process that does not exist', () => {
    expect(readProcess(2 ** 22 + 12345)).toBeUndefined();
  });
});

describe('CPU time of process groups from cumulative counters', () => {
  const ticks = (groups: Record<string, Record<number, number>>): CpuTicks =>
    new Map(Object.entries(groups).map(([name, pids]) => [name, new Map(Object.entries(pids).map(([pid, value]) => [Number(pid), value]))]));

  it('charges each group the ticks its members used between the two readings, in ms', () => {
    const first = ticks({ kafka: { 10: 1000 }, postgres: { 20: 50, 21: 70 } });
    const last = ticks({ kafka: { 10: 1250 }, postgres: { 20: 80, 21: 75 } });

    expect(cpuMsBetween(first, last, 100)).toEqual({ kafka: 2500, postgres: 350 });
  });

  it('counts all the time of a member born inside the window, and keeps the last reading of one that exited', () => {
    // pid 22 was not there at the start (a new pool connection); pid 21 exited after its last reading of 75.
    const first = ticks({ postgres: { 20: 50, 21: 70 } });
    const last = ticks({ postgres: { 20: 60, 21: 75, 22: 40 } });

    expect(cpuMsBetween(first, last, 100)).toEqual({ postgres: 550 });
  });

  it('uses the clock tick rate it is given', () => {
    expect(cpuMsBetween(ticks({ a: { 1: 0 } }), ticks({ a: { 1: 250 } }), 250)).toEqual({ a: 1000 });
  });

  it('reads the parent PID, e.g. the postmaster of a PostgreSQL writer', () => {
    expect(parentPidFromStat('4971 (postgres: walwriter ) S 812 812 812 0 -1 4194304 99 0 0 0 250 75')).toBe(812);
  });

  it('measures this very process: 200 ms of CPU spent inside the window shows as about 200 ms', async () => {
    const account = new CpuTimeAccount([{ name: 'jest', pids: async () => [process.pid] }], 10_000);
    await account.start();
    const cpuAtStart = process.cpuUsage();
    while (process.cpuUsage(cpuAtStart).user < 200_000) Math.sqrt(Math.random());
    const { jest } = await account.stop();

    // The kernel charges in 10 ms ticks and the account also sees its own reads: at least ~190 ms.
    expect(jest).toBeGreaterThanOrEqual(190);
    expect(jest).toBeLessThan(2000);
  });

  it('finds a process by a fragment of its command line', () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => undefined, 30000)', 'bench-cmdline-marker-7f3a']);
    try {
      expect(pidsWithCommandLine('bench-cmdline-marker-7f3a')).toEqual([child.pid]);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
