import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { ServiceStartFailed, spawnService, waitUntilReady } from './services';

describe('waitUntilReady', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'services-spec-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails with the tail of the log of a service that exits while starting', async () => {
    const entry = join(dir, 'crashes.ts');
    writeFileSync(entry, "throw new Error('DATABASE_URL must be a postgres:// URL');\n");
    const service = spawnService({ name: 'crashing-service', entry, port: await freePort(), env: {}, readyPath: '/health/ready' }, join(dir, 'logs'));

    const failure = waitUntilReady(service, 30_000);

    await expect(failure).rejects.toBeInstanceOf(ServiceStartFailed);
    await expect(failure).rejects.toThrow(
      /^crashing-service exited with code 1 while starting; last lines of .*crashing-service\.log:\n[\s\S]*DATABASE_URL must be a postgres:\/\/ URL/,
    );
  });
});
