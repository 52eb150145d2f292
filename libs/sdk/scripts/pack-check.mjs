// `npx nx run sdk:pack-check` (after sdk:build): packs dist/libs/sdk with `npm pack`, installs the tarball offline
// into a fresh project outside the repository, then requires it, imports it as ESM and type-checks a consumer
// against its declarations. The project has no node_modules but the SDK, so a runtime import of Nest,
// class-validator or anything else not in the package fails here. Prints what it ran; exits non-zero on a failure.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const packageDir = join(root, 'dist', 'libs', 'sdk');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const scratch = mkdtempSync(join(tmpdir(), 'sdk-scratch-'));
const keep = process.argv.includes('--keep');

function run(command, args, cwd, { quiet = false } = {}) {
  process.stdout.write(`$ (cd ${cwd} && ${[command, ...args].join(' ')})\n`);
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (output && !quiet) process.stdout.write(`${output}\n`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  return result.stdout;
}

const CONSUMER_TS = `import { OrderSagaApiError, OrderSagaClient, verifyWebhook, type Order, type PlaceOrderRequest, type WebhookDelivery } from '@order-saga/sdk';

const request: PlaceOrderRequest = { customer_id: 'CUST-12345', items: [{ product_id: 'SKU-001', quantity: 2 }] };
// @ts-expect-error quantity is a number in the contract
const wrong: PlaceOrderRequest = { customer_id: 'CUST-12345', items: [{ product_id: 'SKU-001', quantity: '2' }] };
// @ts-expect-error the contract's delivery statuses are pending, succeeded, failed, cancelled
const status: WebhookDelivery['status'] = 'delivered';

export async function place(client: OrderSagaClient): Promise<Order['status']> {
  try {
    const { order } = await client.placeOrder(request);
    return order.status;
  } catch (error) {
    if (error instanceof OrderSagaApiError) return error.errorCode === 'PAYMENT_FAILED' ? 'cancelled' : 'pending';
    throw error;
  }
}
export const checks = [wrong, status, verifyWebhook];
`;

try {
  const tarball = run('npm', ['pack', '--pack-destination', scratch, '--json'], packageDir, { quiet: true });
  const [{ filename, files }] = JSON.parse(tarball);
  const shipped = files.map((file) => file.path);
  if (!shipped.includes('sdk/src/index.js') || !shipped.includes('sdk/src/index.d.ts')) throw new Error('the tarball lacks the entry point');
  if (shipped.some((path) => path.startsWith('contracts/') && path.endsWith('.js'))) throw new Error('the tarball ships contract JavaScript');
  process.stdout.write(
    `packed ${filename}: ${shipped.length} files (${shipped.filter((path) => path.endsWith('.js')).length} JavaScript, none under contracts/)\n`,
  );

  const project = join(scratch, 'consumer');
  mkdirSync(project);
  run('npm', ['init', '-y'], project, { quiet: true });
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(scratch, filename)], project);
  process.stdout.write(`node_modules of the consumer: ${readdirSync(join(project, 'node_modules')).join(', ')}\n`);

  run(
    process.execPath,
    [
      '-e',
      "const sdk = require('@order-saga/sdk'); const client = new sdk.OrderSagaClient({ baseUrl: 'http://127.0.0.1:1', clientId: 'c', clientSecret: 's' });" +
        " console.log('require:', typeof sdk.OrderSagaClient, typeof sdk.verifyWebhook, typeof client.placeOrder);" +
        " console.log('loaded from node_modules:', [...new Set(Object.keys(require.cache).filter((f) => f.includes('node_modules')).map((f) => f.split('node_modules/')[1].split('/').slice(0, 2).join('/')))].join(', '));",
    ],
    project,
  );
  run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import { OrderSagaClient, OrderSagaApiError, verifyWebhook } from '@order-saga/sdk'; console.log('import:', typeof OrderSagaClient, typeof OrderSagaApiError, typeof verifyWebhook);",
    ],
    project,
  );

  writeFileSync(join(project, 'consumer.ts'), CONSUMER_TS);
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'node16',
          moduleResolution: 'node16',
          strict: true,
          noEmit: true,
          // The consumer's own @types/node; checking the SDK's declarations too (no skipLibCheck).
          skipLibCheck: false,
          typeRoots: [join(root, 'node_modules', '@types')],
          types: ['node'],
        },
        files: ['consumer.ts'],
      },
      null,
      2,
    ),
  );
  run(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
  process.stdout.write(`type-check of consumer.ts against the packed declarations: ok\nsdk pack-check passed (${project})\n`);
} finally {
  if (!keep) rmSync(scratch, { recursive: true, force: true });
}
