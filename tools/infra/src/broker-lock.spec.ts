import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerUsing, forgetBroker, recordBroker } from './broker-lock';
import { startKafkaBroker } from './kafka-broker';

/** A real process that stays up, with `args` on its command line (a stand-in broker has `kafka.Kafka`). */
async function idleProcess(...args: string[]): Promise<ChildProcess & { pid: number }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)', ...args], { stdio: 'ignore' });
  await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  if (child.pid === undefined) throw new Error('the idle process has no pid');
  return child as ChildProcess & { pid: number };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

describe('one broker per data directory', () => {
  let dataDir: string;
  const children: ChildProcess[] = [];
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'broker-lock-'));
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGKILL');
      await exited(child);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a directory no broker recorded itself in is free', async () => {
    expect(await brokerUsing(dataDir)).toBeUndefined();
  });

  it('names the running broker recorded in the directory, and frees it once forgotten', async () => {
    const broker = await idleProcess('kafka.Kafka', '/tmp/server.properties');
    children.push(broker);

    await recordBroker(dataDir, broker.pid);
    expect(await brokerUsing(dataDir)).toBe(broker.pid);

    await forgetBroker(dataDir);
    expect(await brokerUsing(dataDir)).toBeUndefined();
  });

  it('a recorded broker that has exited (killed, its launcher killed with it) leaves the directory free', async () => {
    const broker = await idleProcess('kafka.Kafka');
    await recordBroker(dataDir, broker.pid);
    broker.kill('SIGKILL');
    await exited(broker);

    expect(await brokerUsing(dataDir)).toBeUndefined();
  });

  it('a recorded pid now used by another program is not taken for the broker', async () => {
    const other = await idleProcess('something-else');
    children.push(other);
    await recordBroker(dataDir, other.pid);

    expect(await brokerUsing(dataDir)).toBeUndefined();
  });

  it('a pid file that holds no pid leaves the directory free', async () => {
    writeFileSync(join(dataDir, 'broker.pid'), 'not a pid\n');

    expect(await brokerUsing(dataDir)).toBeUndefined();
  });

  it('startKafkaBroker refuses a directory a running broker holds, naming its pid, before it touches the directory', async () => {
    const broker = await idleProcess('kafka.Kafka');
    children.push(broker);
    await recordBroker(dataDir, broker.pid);

    await expect(startKafkaBroker({ cacheDir: join(dataDir, 'no-cache'), dataDir })).rejects.toThrow(
      new RegExp(`still running \\(pid ${broker.pid}\\).*two brokers on one data directory break each other`),
    );
    expect(existsSync(join(dataDir, 'server.properties'))).toBe(false);
    expect(existsSync(join(dataDir, 'no-cache'))).toBe(false);
  });
});
