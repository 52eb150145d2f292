/**
 * The headless browser of the console's browser suite (apps/console-e2e): the machine's Chromium, driven by
 * playwright-core, which downloads no browser of its own. `npm test` finds it, and on Debian or Ubuntu as root
 * installs the distribution's `chromium` package (apt-get) when it is missing, the way the launcher fetches the
 * Kafka jars once: the machine needs nothing set up by hand. Anywhere else the preflight names the fix.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Problem } from './preflight';

/** Set to use a particular browser binary (Chrome, a Chromium elsewhere than on PATH). */
export const CHROMIUM_PATH_VARIABLE = 'CHROMIUM_PATH';
/** Debian's package puts `chromium` on PATH; Ubuntu's and Google's builds use the other names. */
const NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** CHROMIUM_PATH when it names an executable, else the first Chromium or Chrome on PATH; undefined when none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = env[CHROMIUM_PATH_VARIABLE];
  if (given) return executable(given) ? given : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of NAMES) {
      const candidate = join(dir, name);
      if (executable(candidate)) return candidate;
    }
  }
  return undefined;
}

export interface ChromiumInstaller {
  platform: NodeJS.Platform;
  isRoot: boolean;
  hasAptGet: boolean;
  /** Runs a command with its output shown; resolves with its exit code. */
  run: (command: string, args: string[]) => Promise<number>;
}

const FIX =
  'install Chromium (Debian: `sudo apt-get install chromium`; Ubuntu: `sudo apt-get install chromium-browser`; macOS: `brew install --cask chromium`), or set CHROMIUM_PATH to a Chromium or Chrome binary';

/**
 * The browser for the suite: found, or installed with apt-get where that is possible without asking anyone
 * (Linux, root, apt-get present); otherwise, or when the install fails, a Problem saying what to do.
 */
export async function ensureChromium(
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
  installer: ChromiumInstaller = systemInstaller(),
): Promise<{ path: string } | { problem: Problem }> {
  const found = findChromium(env);
  if (found) return { path: found };
  const prerequisite = 'Chromium (the console’s browser suite runs in it, headless)';
  if (env[CHROMIUM_PATH_VARIABLE]) return { problem: { prerequisite, found: `CHROMIUM_PATH=${env[CHROMIUM_PATH_VARIABLE]} is not an executable`, fix: FIX } };
  if (installer.platform !== 'linux' || !installer.hasAptGet || !installer.isRoot) {
    const why =
      installer.platform !== 'linux'
        ? `not on PATH (${installer.platform})`
        : !installer.hasAptGet
          ? 'not on PATH, and no apt-get to install it'
          : 'not on PATH, and installing it needs root';
    return { problem: { prerequisite, found: why, fix: FIX } };
  }
  log('Chromium not found: installing Debian’s chromium package (apt-get, once per machine) …');
  const aptEnv = ['DEBIAN_FRONTEND=noninteractive'];
  const update = await installer.run('env', [...aptEnv, 'apt-get', 'update']);
  const install = update === 0 ? await installer.run('env', [...aptEnv, 'apt-get', 'install', '-y', '--no-install-recommends', 'chromium']) : update;
  const installed = install === 0 ? findChromium(env) : undefined;
  if (installed) {
    log(`Chromium installed: ${installed}`);
    return { path: installed };
  }
  return {
    problem: {
      prerequisite,
      found:
        install === 0
          ? 'apt-get installed the chromium package, but no chromium binary is on PATH'
          : `\`apt-get ${update === 0 ? 'install chromium' : 'update'}\` exited with ${install}`,
      fix: FIX,
    },
  };
}

function systemInstaller(): ChromiumInstaller {
  return {
    platform: process.platform,
    isRoot: process.getuid?.() === 0,
    hasAptGet: ['/usr/bin/apt-get', '/bin/apt-get'].some((path) => existsSync(path)),
    run: (command, args) =>
      new Promise((resolve) => {
        const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
        child.once('error', () => resolve(127));
        child.once('exit', (code) => resolve(code ?? 1));
      }),
  };
}
