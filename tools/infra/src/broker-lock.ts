import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Which broker owns a data directory. Two brokers on one directory break each other (seen with `npm run infra`
 * on 9092 and `KAFKA_PORT=9192 npm start` in the same checkout: the first one's raft thread died when the second
 * formatted and opened the same metadata log), so the launcher records the broker's pid beside its data and
 * refuses to start a second one there.
 */
const PID_FILE = 'broker.pid';
/** The broker's main class, on its command line (kafka-broker.ts): a pid reused by another program is not it. */
const BROKER_MAIN_CLASS = 'kafka.Kafka';

/** A broker already runs on the data directory: said as it is, without a stack (the launcher prints the message). */
export class DataDirInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `${dataDir} holds the data of a Kafka broker that is still running (pid ${pid}), started by another npm start or npm run infra of this checkout: two brokers on one data directory break each other. Stop that one first (Ctrl-C where it runs, or kill ${pid}).`,
    );
  }
}

/** The pid of the broker still running on `dataDir`, or undefined when none is (no file, or its process is gone). */
export async function brokerUsing(dataDir: string): Promise<number | undefined> {
  const recorded = Number((await readFile(join(dataDir, PID_FILE), 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(recorded) || recorded <= 0) return undefined;
  return (await isBroker(recorded)) ? recorded : undefined;
}

export async function recordBroker(dataDir: string, pid: number): Promise<void> {
  await writeFile(join(dataDir, PID_FILE), `${pid}\n`);
}

export async function forgetBroker(dataDir: string): Promise<void> {
  await rm(join(dataDir, PID_FILE), { force: true });
}

async function isBroker(pid: number): Promise<boolean> {
  // Linux: the process's own arguments (a reused pid of another program does not count). Elsewhere: alive.
  if (process.platform === 'linux') {
    const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    return commandLine.split('\0').includes(BROKER_MAIN_CLASS);
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
