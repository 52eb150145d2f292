// Entry point of `npm start`, `npm test` and `npm run infra`. It only makes sure dependencies are
// installed (a fresh clone has none), then hands over to the TypeScript launcher in tools/infra.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  // `npm ci`: exactly the locked versions, and a lockfile that disagrees with package.json is an error.
  process.stdout.write('[order-saga] installing dependencies (npm ci, from package-lock.json) …\n');
  const install = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (install.status !== 0) process.exit(install.status ?? 1);
}

const launcher = spawnSync(process.execPath, ['-r', join(root, 'tools', 'register.js'), join(root, 'tools', 'infra', 'src', 'cli.ts'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(launcher.status ?? 1);
