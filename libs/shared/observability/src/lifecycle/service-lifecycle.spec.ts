import { PinoLogger } from 'nestjs-pino';
import { ServiceLifecycle } from './service-lifecycle';

const quietLogger = new PinoLogger({ pinoHttp: { level: 'silent' } });

describe('ServiceLifecycle', () => {
  it('is starting until marked ready, and draining once shutdown begins, never ready again', () => {
    const lifecycle = new ServiceLifecycle(quietLogger);
    expect(lifecycle.state).toBe('starting');

    lifecycle.markReady();
    expect(lifecycle.state).toBe('ready');

    lifecycle.markDraining();
    lifecycle.markReady();
    expect(lifecycle.state).toBe('draining');
  });

  it('runs every shutdown task in registration order, even after one fails', async () => {
    const lifecycle = new ServiceLifecycle(quietLogger);
    const ran: string[] = [];
    lifecycle.addShutdownTask({ name: 'first', run: async () => void ran.push('first') });
    lifecycle.addShutdownTask({ name: 'broken', run: async () => Promise.reject(new Error('boom')) });
    lifecycle.addShutdownTask({ name: 'last', run: async () => void ran.push('last') });

    await lifecycle.onApplicationShutdown();

    expect(ran).toEqual(['first', 'last']);
    expect(lifecycle.state).toBe('draining');
  });
});
