import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChromiumInstaller, ensureChromium, findChromium } from './chromium';

describe('finding and installing the console suite’s Chromium', () => {
  let bin: string;
  let emptyDir: string;

  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), 'chromium-bin-'));
    emptyDir = mkdtempSync(join(tmpdir(), 'no-chromium-'));
    writeFileSync(join(bin, 'chromium-browser'), '#!/bin/sh\n');
    chmodSync(join(bin, 'chromium-browser'), 0o755);
    writeFileSync(join(bin, 'not-executable'), '');
  });

  afterAll(() => {
    rmSync(bin, { recursive: true, force: true });
    rmSync(emptyDir, { recursive: true, force: true });
  });

  const installer = (overrides: Partial<ChromiumInstaller>, onInstall?: () => void) => {
    const commands: string[] = [];
    const fake: ChromiumInstaller = {
      platform: 'linux',
      isRoot: true,
      hasAptGet: true,
      run: (command, args) => {
        commands.push([command, ...args].join(' '));
        if (args.includes('install')) onInstall?.();
        return Promise.resolve(0);
      },
      ...overrides,
    };
    return { fake, commands };
  };

  it('finds a Chromium on PATH by any of its usual names, and CHROMIUM_PATH first', () => {
    expect(findChromium({ PATH: `${emptyDir}:${bin}` })).toBe(join(bin, 'chromium-browser'));
    expect(findChromium({ PATH: bin, CHROMIUM_PATH: join(bin, 'not-executable') })).toBeUndefined();
    expect(findChromium({ PATH: emptyDir })).toBeUndefined();
  });

  it('installs Debian’s chromium with apt-get when missing on Linux as root, then uses it', async () => {
    const env = { PATH: emptyDir };
    const { fake, commands } = installer({}, () => (env.PATH = `${emptyDir}:${bin}`));

    const result = await ensureChromium(() => undefined, env, fake);

    expect(result).toEqual({ path: join(bin, 'chromium-browser') });
    expect(commands).toEqual([
      'env DEBIAN_FRONTEND=noninteractive apt-get update',
      'env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium',
    ]);
  });

  it('installs nothing when one is there', async () => {
    const { fake, commands } = installer({});
    expect(await ensureChromium(() => undefined, { PATH: bin }, fake)).toEqual({ path: join(bin, 'chromium-browser') });
    expect(commands).toEqual([]);
  });

  it.each([
    ['without root', { isRoot: false }, /needs root/],
    ['without apt-get', { hasAptGet: false }, /no apt-get/],
    ['on macOS', { platform: 'darwin' as const }, /darwin/],
    ['when apt-get fails', { run: () => Promise.resolve(100) }, /apt-get update` exited with 100/],
  ])('names the missing browser and its fix %s', async (_case, overrides, found) => {
    const { fake } = installer(overrides);

    const result = await ensureChromium(() => undefined, { PATH: emptyDir }, fake);

    expect(result).toEqual({
      problem: { prerequisite: expect.stringContaining('Chromium'), found: expect.stringMatching(found), fix: expect.stringContaining('CHROMIUM_PATH') },
    });
  });
});
