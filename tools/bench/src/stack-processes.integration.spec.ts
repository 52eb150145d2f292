import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { readProcess } from './process-stats';
import { postgresProcessGroups, redisProcessGroup } from './stack-processes';

const POSTGRES_ADMIN_URL = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Only a Redis on this machine has a process to measure. */
const localRedis = ['127.0.0.1', 'localhost'].includes(new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').hostname);

describe('the PostgreSQL and Redis processes whose CPU the bench counts (real PostgreSQL on this machine)', () => {
  const admin = new Client({ connectionString: POSTGRES_ADMIN_URL });
  const service = new Client({ connectionString: POSTGRES_ADMIN_URL });

  beforeAll(async () => {
    await admin.connect();
    await service.connect();
  });

  afterAll(async () => {
    await service.end();
    await admin.end();
  });

  it("finds the backend of a connection to the stack's database, and its CPU counters are readable", async () => {
    const [backends] = postgresProcessGroups(admin, ['postgres']);
    const servicePid = (await service.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;

    const pids = await backends.pids();

    expect(pids).toContain(servicePid);
    expect(readProcess(servicePid)?.cpuTicks).toBeGreaterThanOrEqual(0);
  });

  it("finds the postmaster and the server's writers, not any client backend", async () => {
    const [, server] = postgresProcessGroups(admin, ['postgres']);
    const clientBackends = (await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend'")).rows.map(
      (row) => row.pid,
    );

    const pids = await server.pids();

    // The postmaster plus at least the WAL writer, background writer and checkpointer.
    expect(pids.length).toBeGreaterThanOrEqual(4);
    expect(pids.filter((pid) => clientBackends.includes(pid))).toEqual([]);
    expect(readFileSync(`/proc/${pids[0]}/cmdline`, 'utf8')).toMatch(/postgres/);
    for (const pid of pids) expect(readProcess(pid)).toBeDefined();
  });

  (localRedis ? it : it.skip)('finds the local Redis server the gateway uses', async () => {
    const pids = await redisProcessGroup().pids();

    expect(pids).toHaveLength(1);
    expect(readFileSync(`/proc/${pids[0]}/comm`, 'utf8').trim()).toBe('redis-server');
  });
});
