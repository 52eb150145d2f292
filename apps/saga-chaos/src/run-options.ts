import type { Variant } from './chaos-stack';
import { randomSeed } from './seeded-random';

export interface RunOptions {
  variant: Variant;
  orders: number;
  /** Orders in flight at most. */
  concurrency: number;
  /** Orders started per second (open loop); undefined: `concurrency` clients each placing one order after another. */
  rate?: number;
  seed: number;
  short: boolean;
  /** Pause between two service kills, and how long a killed service stays down (ms). */
  faultGapMs: [number, number];
  faultDownMs: [number, number];
}

/** A client population that places its next order when its last is answered: ~5 orders/s on 2 cores. */
const CLOSED_LOOP_CONCURRENCY = 12;
/**
 * In the open loop the cap is only a guard: at 50/s a broker outage of 30 s leaves ~1,500 orders retrying, and
 * a lower cap would quietly turn the run back into a closed loop (the report shows the rate achieved).
 */
const RATE_CONCURRENCY = 4000;

export const USAGE = `usage: npm run test:chaos -- [--short] [--cluster] [--orders=N] [--seed=N] [--rate=N] [--concurrency=N]
  --short        the CI form: 120 orders (default 500)
  --cluster      3-broker KRaft cluster (replication factor 3, min.insync.replicas 2), one broker killed at a time
  --rate=50      start 50 orders/s whatever the answers (open loop; at most --concurrency in flight, default ${RATE_CONCURRENCY});
                 without it, --concurrency clients (default ${CLOSED_LOOP_CONCURRENCY}) each place one order after another
  environment: CHAOS_ORDERS, CHAOS_SEED, CHAOS_RATE, CHAOS_CONCURRENCY (flags win)`;

/** Flags first, then CHAOS_* variables, then the defaults of the long or short form. */
export function parseRunOptions(argv: string[], env: Record<string, string | undefined>): RunOptions {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument "${arg}"\n${USAGE}`);
    flags.set(match[1], match[2] ?? 'true');
  }
  for (const name of flags.keys()) {
    if (!['short', 'cluster', 'orders', 'seed', 'concurrency', 'rate'].includes(name)) throw new Error(`unknown option --${name}\n${USAGE}`);
  }
  const short = flags.get('short') === 'true';
  const number = (flag: string, variable: string, fallback: number, min: number) => {
    const raw = flags.get(flag) ?? env[variable];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`${flags.has(flag) ? `--${flag}` : variable} must be an integer ≥ ${min}, got "${raw}"`);
    return value;
  };
  const rateText = flags.get('rate') ?? env.CHAOS_RATE;
  const rate = rateText === undefined || rateText === '' ? undefined : Number(rateText);
  if (rate !== undefined && !(Number.isFinite(rate) && rate > 0))
    throw new Error(`${flags.has('rate') ? '--rate' : 'CHAOS_RATE'} must be a number of orders/s > 0, got "${rateText}"`);
  return {
    variant: flags.get('cluster') === 'true' ? 'cluster' : 'single',
    short,
    orders: number('orders', 'CHAOS_ORDERS', short ? 120 : 500, 10),
    concurrency: number('concurrency', 'CHAOS_CONCURRENCY', rate === undefined ? CLOSED_LOOP_CONCURRENCY : RATE_CONCURRENCY, 1),
    rate,
    seed: number('seed', 'CHAOS_SEED', randomSeed(), 0),
    faultGapMs: short ? [1500, 4000] : [2000, 6000],
    faultDownMs: [200, 3000],
  };
}
