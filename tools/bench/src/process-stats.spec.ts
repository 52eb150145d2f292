import { spawn } from 'node:child_process';
import { cpuTicksFromStat, pidsWithCommandLine, ProcessGroupSampler, ProcessSampler, readProcess, rssBytesFromStatus } from './process-stats';

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

describe('process group sampling', () => {
  it('adds up the CPU time of the group members within the window, without an RSS figure', async () => {
    const members = [process.pid];
    const sampler = new ProcessGroupSampler([{ name: 'group', pids: async () => members }], 10_000);
    await sampler.start();
    const cpuAtStart = process.cpuUsage();
    while (process.cpuUsage(cpuAtStart).user < 200_000) Math.sqrt(Math.random());
    const [usage] = await sampler.stop();

    expect(usage.name).toBe('group');
    // 200 ms of CPU charged to the member within the window: at least ~20 ticks of 10 ms.
    expect(usage.cpuPercent).toBeGreaterThan(0);
    expect(usage.rssPeakMb).toBeNaN();
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
