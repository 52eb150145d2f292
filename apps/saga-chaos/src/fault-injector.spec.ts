import { pollUntil } from '@order-saga/shared/testing';
import { FaultInjector, FaultTarget } from './fault-injector';
import { SeededRandom } from './seeded-random';

describe('fault injector', () => {
  it('kills every service once before it kills any of them a second time', async () => {
    const services = ['gateway', 'order-service', 'inventory-service', 'payment-service', 'notification-service'];
    const targets: FaultTarget[] = services.flatMap((group) =>
      [1, 2].map((replica) => ({ label: `${group}-${replica}`, group, kill: async () => undefined, restart: async () => undefined })),
    );
    const injector = new FaultInjector(
      new SeededRandom(42),
      targets,
      { gapMs: [1, 1], downMs: [0, 0], brokerFaults: [], maxServicesDown: 2, holdServiceFaultsDuringBrokerFault: false },
      () => 0,
      () => undefined,
    );

    const running = injector.run();
    await pollUntil(async () => (injector.faults.length >= 7 ? true : undefined), { timeoutMs: 10_000, intervalMs: 5, description: 'seven faults' });
    injector.stop();
    await running;

    const groupOf = (label: string) => label.replace(/-\d+$/, '');
    expect(new Set(injector.faults.slice(0, 5).map((fault) => groupOf(fault.label)))).toEqual(new Set(services));
    expect(injector.groupsKilled().sort()).toEqual([...services].sort());
  });
});
