import { runtimeFingerprint } from './worktree';

const lock = (packages: Record<string, object>) => JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'order-saga' }, ...packages } });

describe('runtime fingerprint of a lockfile', () => {
  const runtime = {
    'node_modules/pg': { version: '8.23.1', integrity: 'sha512-a' },
    'node_modules/typescript': { version: '5.9.3', integrity: 'sha512-t', dev: true },
  };

  it('is equal when only dev-only packages differ, so the worktree can share node_modules', () => {
    const base = lock({ ...runtime, 'node_modules/jest': { version: '29.0.0', dev: true } });
    const head = lock({
      ...runtime,
      'node_modules/jest': { version: '30.5.2', dev: true },
      'node_modules/@balena/dockerignore': { version: '1.0.2', dev: true },
    });

    expect(runtimeFingerprint(base)).toBe(runtimeFingerprint(head));
  });

  it('differs when a package the services load differs in version', () => {
    expect(runtimeFingerprint(lock({ ...runtime, 'node_modules/pg': { version: '8.20.0', integrity: 'sha512-b' } }))).not.toBe(
      runtimeFingerprint(lock(runtime)),
    );
  });

  it('differs when the compiler differs, though it is a dev dependency', () => {
    expect(runtimeFingerprint(lock({ ...runtime, 'node_modules/typescript': { version: '5.8.0', dev: true } }))).not.toBe(runtimeFingerprint(lock(runtime)));
  });
});
