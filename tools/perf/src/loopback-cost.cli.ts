import { fork } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { positiveInteger } from './gateway-under-test';

/*
 * What one request/answer over loopback TCP costs each side's CPU on this machine: a client and an echo
 * server in two Node processes, one byte each way, Nagle off, one exchange in flight. This is the floor
 * under every PostgreSQL statement, Redis command and Kafka request a service sends. CPU from
 * process.cpuUsage() on both sides around the measured exchanges; wall time per exchange beside it.
 *
 * usage (from the repository root):
 *   npx nx run perf:loopback-cost -- [--exchanges 20000] [--warm-up 2000]
 */

interface Usage {
  user: number;
  system: number;
}

function echoServer(): void {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => socket.write(chunk));
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address && typeof address === 'object') process.send?.({ port: address.port });
  });
  process.on('message', (message) => {
    if (message === 'usage') process.send?.({ usage: process.cpuUsage() });
    if (message === 'exit') process.exit(0);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { exchanges: { type: 'string', default: '20000' }, 'warm-up': { type: 'string', default: '2000' } },
  });
  const exchanges = positiveInteger('exchanges', values.exchanges);
  const warmUp = positiveInteger('warm-up', values['warm-up']);
  const server = fork(__filename, ['--server'], { execArgv: process.execArgv });
  const next = <T>(key: string) =>
    new Promise<T>((resolve) => {
      const onMessage = (message: Record<string, T>) => {
        if (!(key in message)) return;
        server.off('message', onMessage);
        resolve(message[key]);
      };
      server.on('message', onMessage);
    });
  const port = await next<number>('port');
  const socket = createConnection({ port, host: '127.0.0.1', noDelay: true });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const exchange = (count: number) =>
    new Promise<void>((resolve) => {
      let left = count;
      const onData = () => {
        left -= 1;
        if (left === 0) {
          socket.off('data', onData);
          resolve();
        } else socket.write('x');
      };
      socket.on('data', onData);
      socket.write('x');
    });
  const serverUsage = async () => {
    const answer = next<Usage>('usage');
    server.send('usage');
    return answer;
  };

  await exchange(warmUp);
  const serverBefore = await serverUsage();
  const clientBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await exchange(exchanges);
  const wallUs = Number(process.hrtime.bigint() - started) / 1000;
  const client = process.cpuUsage(clientBefore);
  const serverAfter = await serverUsage();
  const per = (us: number) => (us / exchanges).toFixed(1);
  process.stdout.write(
    `loopback TCP, ${exchanges} exchanges: wall ${per(wallUs)} µs each; CPU per exchange: ` +
      `client user ${per(client.user)} + system ${per(client.system)} µs, ` +
      `server user ${per(serverAfter.user - serverBefore.user)} + system ${per(serverAfter.system - serverBefore.system)} µs\n`,
  );
  socket.destroy();
  server.send('exit');
}

if (process.argv.includes('--server')) echoServer();
else
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
