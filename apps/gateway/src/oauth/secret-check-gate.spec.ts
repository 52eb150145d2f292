import { GatewayError } from '../errors/gateway-error';
import { SecretCheckGate } from './secret-check-gate';
import { SecretCheckMetrics } from './secret-checks.metrics';

/** A check that ends when the test says so. */
function heldCheck(started: string[], name: string) {
  let finish!: (value: boolean) => void;
  const done = new Promise<boolean>((resolve) => (finish = resolve));
  return {
    run: () => {
      started.push(name);
      return done;
    },
    finish: (value = true) => finish(value),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SecretCheckGate', () => {
  it('runs at most `running` checks at once; the others wait and start in arrival order as slots free', async () => {
    const gate = new SecretCheckGate(2, 10, new SecretCheckMetrics());
    const started: string[] = [];
    const checks = ['a', 'b', 'c', 'd'].map((name) => heldCheck(started, name));

    const results = checks.map((check) => gate.run(check.run));
    await settle();
    expect(started).toEqual(['a', 'b']);

    checks[1].finish();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);

    checks[0].finish(false);
    await settle();
    expect(started).toEqual(['a', 'b', 'c', 'd']);

    checks[2].finish();
    checks[3].finish();
    await expect(Promise.all(results)).resolves.toEqual([false, true, true, true]);
  });

  it('refuses a check at once with 503 SERVICE_UNAVAILABLE and Retry-After when every slot runs and the queue is full', async () => {
    const gate = new SecretCheckGate(1, 1, new SecretCheckMetrics());
    const started: string[] = [];
    const running = heldCheck(started, 'running');
    const queued = heldCheck(started, 'queued');
    const refused = heldCheck(started, 'refused');

    const first = gate.run(running.run);
    const second = gate.run(queued.run);
    const third = gate.run(refused.run);

    await expect(third).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', headers: { 'Retry-After': '1' } });
    await expect(third).rejects.toBeInstanceOf(GatewayError);
    expect(started).toEqual(['running']);
    running.finish();
    queued.finish();
    await expect(Promise.all([first, second])).resolves.toEqual([true, true]);
  });

  it('frees the slot of a check that throws, so the next one runs', async () => {
    const gate = new SecretCheckGate(1, 0, new SecretCheckMetrics());

    await expect(gate.run(() => Promise.reject(new Error('malformed stored hash')))).rejects.toThrow('malformed stored hash');

    await expect(gate.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('with no queue, accepts again once the running check ended', async () => {
    const gate = new SecretCheckGate(1, 0, new SecretCheckMetrics());
    const started: string[] = [];
    const check = heldCheck(started, 'only');

    const first = gate.run(check.run);
    await expect(gate.run(() => Promise.resolve(true))).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    check.finish();
    await first;

    await expect(gate.run(() => Promise.resolve(true))).resolves.toBe(true);
  });
});
