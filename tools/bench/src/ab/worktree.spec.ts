import { installWorktree, runtimeFingerprint } from './worktree';

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

describe('installing a worktree of its own', () => {
  const refusal = () =>
    Object.assign(new Error('Command failed: npm ci'), { stderr: 'npm error code EUSAGE\nnpm error `npm ci` can only install packages when ...' });

  it('runs npm ci and nothing else when the lockfile is in sync', () => {
    const calls: string[][] = [];

    const how = installWorktree(
      '/tmp/wt',
      () => undefined,
      (args) => void calls.push(args),
    );

    expect(how).toBe('npm ci in the worktree');
    expect(calls).toEqual([['ci', '--no-audit', '--no-fund']]);
  });

  it('falls back to npm install when npm ci refuses a lockfile out of sync with package.json (EUSAGE)', () => {
    const calls: string[][] = [];
    const logged: string[] = [];

    const how = installWorktree(
      '/tmp/wt',
      (line) => logged.push(line),
      (args) => {
        calls.push(args);
        if (args[0] === 'ci') throw refusal();
      },
    );

    expect(how).toBe('npm install in the worktree (npm ci refused its lockfile)');
    expect(calls).toEqual([
      ['ci', '--no-audit', '--no-fund'],
      ['install', '--no-audit', '--no-fund'],
    ]);
    expect(logged).toEqual([expect.stringContaining('npm install there instead')]);
  });

  it('throws any other npm ci failure as it is, without trying npm install', () => {
    const calls: string[][] = [];
    const networkError = Object.assign(new Error('Command failed: npm ci'), { stderr: 'npm error code ECONNREFUSED\n' });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);

    try {
      expect(() =>
        installWorktree(
          '/tmp/wt',
          () => undefined,
          (args) => {
            calls.push(args);
            throw networkError;
          },
        ),
      ).toThrow(networkError);
    } finally {
      stderr.mockRestore();
    }
    expect(calls).toEqual([['ci', '--no-audit', '--no-fund']]);
  });
});
