import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDist, REPO_ROOT } from '@order-saga/infra';

/** The parts of a package-lock.json the compiled services run with or are compiled by. */
interface LockFile {
  packages?: Record<string, { version?: string; integrity?: string; dev?: boolean; devOptional?: boolean }>;
}

/** The compiler packages: a different version could emit different JavaScript from the same source. */
const COMPILERS = ['node_modules/typescript', 'node_modules/tsc-alias'];

/**
 * What a compiled service loads from node_modules: every locked package that is not dev-only (name, version,
 * integrity), plus the compilers. Two checkouts with equal fingerprints can share one node_modules; dev tools
 * such as jest or eslint may differ, the bench does not run them in the worktree.
 */
export function runtimeFingerprint(lockText: string): string {
  const lock = JSON.parse(lockText) as LockFile;
  const entries = Object.entries(lock.packages ?? {})
    .filter(([path, entry]) => path.startsWith('node_modules/') && ((!entry.dev && !entry.devOptional) || COMPILERS.includes(path)))
    .map(([path, entry]) => `${path}@${entry.version ?? '?'}#${entry.integrity ?? ''}`)
    .sort();
  return entries.join('\n');
}

export interface PreparedCommit {
  commit: string;
  worktree: string;
  /** The services compiled once (buildDist output), shared by every run of this commit. */
  distDir: string;
  nodeModules: 'shared with the main checkout' | WorktreeInstall;
}

/** How a worktree's own node_modules was installed. */
export type WorktreeInstall =
  'npm ci in the worktree' | 'npm install in the worktree (npm ci refused its lockfile)' | "the worktree's own, installed by an earlier run";

/** Runs npm in a directory; throws an error carrying npm's `stderr` when npm fails. */
export type NpmRunner = (args: string[], cwd: string) => void;

const runNpm: NpmRunner = (args, cwd) => {
  execFileSync('npm', args, { cwd, stdio: ['ignore', 'inherit', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
};

/**
 * `npm ci` in the worktree. A commit whose lockfile no longer matches its package.json (4939d48, the
 * issue-14 base, is one: the fresh-machine issue fixed its lockfile later) makes `npm ci` refuse with
 * EUSAGE; such a worktree gets `npm install` instead, which resolves that commit's package.json anew and
 * rewrites the worktree's lockfile (a throwaway copy). Any other failure is thrown as it is.
 */
export function installWorktree(worktree: string, log: (line: string) => void, npm: NpmRunner = runNpm): WorktreeInstall {
  try {
    npm(['ci', '--no-audit', '--no-fund'], worktree);
    return 'npm ci in the worktree';
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    if (!/\bEUSAGE\b/.test(stderr)) {
      process.stderr.write(stderr);
      throw error;
    }
    log(`npm ci refused the lockfile of ${worktree} (out of sync with its package.json); npm install there instead …`);
    npm(['install', '--no-audit', '--no-fund'], worktree);
    return 'npm install in the worktree (npm ci refused its lockfile)';
  }
}

const git = (args: string[], cwd = REPO_ROOT) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

export function resolveCommit(ref: string): string {
  return git(['rev-parse', '--verify', `${ref}^{commit}`]);
}

/**
 * A detached git worktree of `commit` under `root` (reused when it is already there at that commit), its
 * node_modules, and its services compiled. The main checkout's node_modules is linked in when the runtime
 * fingerprints agree (no install, nothing downloaded); otherwise the worktree gets its own `npm ci`.
 */
export function prepareCommit(commit: string, root: string, log: (line: string) => void): PreparedCommit {
  const worktree = join(root, commit.slice(0, 12));
  if (!existsSync(worktree)) {
    log(`git worktree at ${commit.slice(0, 12)} in ${worktree} …`);
    git(['worktree', 'add', '--detach', worktree, commit]);
  } else if (git(['rev-parse', 'HEAD'], worktree) !== commit) {
    throw new Error(`${worktree} exists but is not at ${commit}; remove it (git worktree remove --force ${worktree})`);
  }
  let nodeModules: PreparedCommit['nodeModules'];
  const shared =
    runtimeFingerprint(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) ===
    runtimeFingerprint(readFileSync(join(worktree, 'package-lock.json'), 'utf8'));
  if (shared) {
    nodeModules = 'shared with the main checkout';
    if (!existsSync(join(worktree, 'node_modules'))) symlinkSync(join(REPO_ROOT, 'node_modules'), join(worktree, 'node_modules'), 'dir');
  } else {
    nodeModules = "the worktree's own, installed by an earlier run";
    if (!existsSync(join(worktree, 'node_modules', '.package-lock.json'))) {
      log(`${commit.slice(0, 12)}: its lockfile differs in runtime packages; npm ci in the worktree …`);
      nodeModules = installWorktree(worktree, log);
    }
  }
  const distDir = join(worktree, 'tmp', 'bench-ab-dist');
  const marker = join(distDir, '.compiled-commit');
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== commit) {
    log(`${commit.slice(0, 12)}: compiling the services …`);
    buildDist(distDir, worktree);
    writeFileSync(marker, commit);
  }
  return { commit, worktree, distDir, nodeModules };
}
