import { pollUntil } from '@order-saga/shared/testing';
import { atSpeed, MachineSpeedProbe, summarizeProbe } from './machine-speed';

describe('summarizeProbe', () => {
  it('averages the readings of the step', () => {
    expect(summarizeProbe([30, 40, 35])).toEqual({ samples: 3, unitCpuMs: 35 });
  });

  it('leaves out readings that cannot be a CPU time', () => {
    expect(summarizeProbe([Number.NaN, 0, -1, 20, Number.POSITIVE_INFINITY, 40])).toEqual({ samples: 2, unitCpuMs: 30 });
  });

  it('has no answer when the probe read nothing', () => {
    expect(summarizeProbe([])).toBeUndefined();
  });
});

describe('atSpeed', () => {
  it('scales a CPU cost measured on a slower machine down to the reference speed', () => {
    // The probe's unit took 40 ms in this run against 32 on average: the machine was 25 % slower.
    expect(atSpeed(15, { samples: 40, unitCpuMs: 40 }, 32)).toBeCloseTo(12, 10);
  });

  it('has no answer for a run without a probe reading', () => {
    expect(atSpeed(15, undefined, 32)).toBeUndefined();
  });
});

describe('MachineSpeedProbe', () => {
  it('reads the CPU time of its unit of work while it runs, and ends its process when stopped', async () => {
    const probe = new MachineSpeedProbe(20);
    await probe.start();
    await pollUntil(async () => (probe.readingCount >= 3 ? true : undefined), { timeoutMs: 30_000, description: 'three probe readings' });
    const speed = await probe.stop();

    expect(speed?.samples).toBeGreaterThanOrEqual(3);
    expect(speed?.unitCpuMs).toBeGreaterThan(0);
    // Stopped means gone: a second stop has nothing left to read.
    await expect(probe.stop()).resolves.toBeUndefined();
  });
});
