import { readdirSync, readFileSync } from 'node:fs';
import type { Client } from 'pg';
import { parentPidFromStat, ProcessGroup } from './process-stats';

/** pg_stat_activity's names of the server-wide processes that write for every backend. */
const POSTGRES_SERVER_PROCESSES = ['walwriter', 'background writer', 'checkpointer', 'io worker'];

/**
 * The PostgreSQL processes whose CPU the bench counts, found through pg_stat_activity each second:
 * - `postgres`: every backend connected to the stack's databases (the services' pools and listeners, and
 *   autovacuum workers on those databases);
 * - `postgres-server`: the postmaster (it forks every new backend) and the WAL writer, background writer and
 *   checkpointer (io workers too on PostgreSQL 18). They serve every database of the server, so on a shared
 *   server they also carry other clients' work: CPU per saga is only meaningful on a quiet machine.
 * Not counted: the bench's own connection (database `postgres`), the settle poll's one-query connections
 * (born and gone between two readings), and the logger, archiver and launcher processes, which are idle here.
 */
export function postgresProcessGroups(admin: Client, databaseNames: string[]): ProcessGroup[] {
  return [
    {
      name: 'postgres',
      pids: async () =>
        (await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = ANY($1)', [databaseNames])).rows.map((row) => row.pid),
    },
    {
      name: 'postgres-server',
      pids: async () => {
        const writers = (
          await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE backend_type = ANY($1)', [POSTGRES_SERVER_PROCESSES])
        ).rows.map((row) => row.pid);
        const postmaster = writers.length ? parentOf(writers[0]) : undefined;
        return postmaster ? [postmaster, ...writers] : writers;
      },
    },
  ];
}

function parentOf(pid: number): number | undefined {
  try {
    return parentPidFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The local Redis server the gateway counts its rate-limit windows in (one round trip per request or more).
 * Shared like PostgreSQL's writers: other clients' commands are in its CPU too. None when Redis is remote.
 */
export function redisProcessGroup(redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'): ProcessGroup {
  const port = new URL(redisUrl).port || '6379';
  // Looked up once: the server outlives the run, and scanning /proc every second would be the driver's CPU.
  let found: number[] | undefined;
  return {
    name: 'redis',
    pids: async () =>
      (found ??= readdirSync('/proc')
        .filter((entry) => /^\d+$/.test(entry))
        .filter((entry) => {
          try {
            return readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'redis-server' && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(`:${port}`);
          } catch {
            return false;
          }
        })
        .map(Number)),
  };
}
