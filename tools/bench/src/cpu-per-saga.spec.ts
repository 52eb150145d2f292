import { cpuPercent, cpuPerSaga } from './cpu-per-saga';

describe('CPU per completed saga', () => {
  it('divides each process and the total by the sagas the step completed', () => {
    const cpu = cpuPerSaga({ gateway: 3000, kafka: 1500, postgres: 4500, 'bench-driver': 1000 }, 1000, 21.04);

    expect(cpu).toEqual({
      windowSeconds: 21,
      completedSagas: 1000,
      totalMs: 10000,
      msPerSaga: 10,
      byProcess: [
        { name: 'gateway', ms: 3000, msPerSaga: 3 },
        { name: 'kafka', ms: 1500, msPerSaga: 1.5 },
        { name: 'postgres', ms: 4500, msPerSaga: 4.5 },
        { name: 'bench-driver', ms: 1000, msPerSaga: 1 },
      ],
    });
  });

  it('gives NaN, not infinity or zero, when no saga completed', () => {
    const cpu = cpuPerSaga({ kafka: 900 }, 0, 60);

    expect(cpu.msPerSaga).toBeNaN();
    expect(cpu.byProcess[0].msPerSaga).toBeNaN();
    expect(cpu.totalMs).toBe(900);
  });

  it('keeps three decimals per saga, so a sub-millisecond process is not rounded away', () => {
    expect(cpuPerSaga({ redis: 123 }, 1000, 20).msPerSaga).toBe(0.123);
  });

  it('turns milliseconds over a span into a share of one core', () => {
    expect(cpuPercent(5000, 20)).toBe(25);
    expect(cpuPercent(5000, 0)).toBeNaN();
  });
});
