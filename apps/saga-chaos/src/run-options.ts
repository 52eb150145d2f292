import type { Variant } from './chaos-stack';
import { randomSeed } from './seeded-random';

export interface RunOptions {
  variant: Variant;
  orders: number;
  concurrency: number;
  seed: number;
  short: boolean;
  /** Pause between two service kills, and how long a killed service stays down (ms). */
  faultGapMs: [number, number];
  faultDownMs: [number, number];
}

export const USAGE = `usage: npm run test:chaos -- [--short] [--cluster] [--orders=N] [--seed=N] [--concurrency=N]
  --short        the CI form: 120 orders (default 500)
  --cluster      3-broker KRaft cluster (replication factor 3, min.insync.replicas 2), one broker killed at a time
  environment: CHAOS_ORDERS, CHAOS_SEED, CHAOS_CONCURRENCY (flags win)`;

/** Flags first, then CHAOS_* variables, then the defaults of the long or short form. */
export function parseRunOptions(argv: string[], env: Record<string, string | undefined>): RunOptions {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument "${arg}"\n${USAGE}`);
    flags.set(match[1], match[2] ?? 'true');
  }
  for (const name of flags.keys()) {
    if (!['short', 'cluster', 'orders', 'seed', 'concurrency'].includes(name)) throw new Error(`unknown option --${name}\n${USAGE}`);
  }
  const short = flags.get('short') === 'true';
  const number = (flag: string, variable: string, fallback: number, min: number) => {
    const raw = flags.get(flag) ?? env[variable];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`${flags.has(flag) ? `--${flag}` : variable} must be an integer ≥ ${min}, got "${raw}"`);
    return value;
  };
  return {
    variant: flags.get('cluster') === 'true' ? 'cluster' : 'single',
    short,
    orders: number('orders', 'CHAOS_ORDERS', short ? 120 : 500, 10),
    concurrency: number('concurrency', 'CHAOS_CONCURRENCY', 12, 1),
    seed: number('seed', 'CHAOS_SEED', randomSeed(), 0),
    faultGapMs: short ? [1500, 4000] : [2000, 6000],
    faultDownMs: [200, 3000],
  };
}
