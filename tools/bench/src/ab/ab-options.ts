export interface AbOptions {
  base: string;
  head: string;
  /** Offered orders/s of the one measured step of every run. */
  rate: number;
  /** Seconds of the measured step. */
  duration: number;
  /** Seconds at the same rate before it, not measured (JIT, pools, consumer groups). */
  warmup: number;
  /** Each round runs base, then head, each on a fresh stack. */
  rounds: number;
  /** Where the worktrees live (reused by later A/Bs of the same commits). */
  worktreeRoot: string;
  /** Extra options passed unchanged to every run of `npm run bench`, e.g. --log-level=warn. */
  benchArgs: string[];
}

export const AB_USAGE = `usage: npm run bench:ab -- --base <commit> --head <commit> [--rate 100] [--duration 60] [--warmup 10] [--rounds 2]
                           [--worktrees /tmp/order-saga-ab] [--bench-arg=--log-level=warn ...]
  runs base, head, base, head … (--rounds pairs), each on a fresh stack, one step at --rate for --duration seconds,
  with this checkout's bench driver and measuring; only the services and libraries come from the two commits`;

const DEFAULTS: Omit<AbOptions, 'base' | 'head'> = { rate: 100, duration: 60, warmup: 10, rounds: 2, worktreeRoot: '/tmp/order-saga-ab', benchArgs: [] };

/** Accepts `--name value` and `--name=value`. */
export function parseAbOptions(argv: string[]): AbOptions {
  const values = new Map<string, string[]>();
  for (let index = 0; index < argv.length; index++) {
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(argv[index]);
    if (!match) throw new AbUsageError(`unexpected argument "${argv[index]}"`);
    const [, name, inline] = match;
    if (name === 'help') throw new AbUsageError('');
    const value = inline ?? argv[++index];
    if (value === undefined) throw new AbUsageError(`--${name} needs a value`);
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  for (const name of values.keys()) {
    if (!['base', 'head', 'rate', 'duration', 'warmup', 'rounds', 'worktrees', 'bench-arg'].includes(name)) throw new AbUsageError(`unknown option --${name}`);
  }
  const one = (name: string) => values.get(name)?.at(-1);
  const number = (name: string, fallback: number, { integer = false, allowZero = false } = {}) => {
    const text = one(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0) || (integer && !Number.isInteger(value))) {
      throw new AbUsageError(`--${name} must be a ${integer ? 'whole ' : ''}number ${allowZero ? '≥ 0' : '> 0'}, got "${text}"`);
    }
    return value;
  };
  const base = one('base');
  const head = one('head');
  if (!base || !head) throw new AbUsageError('--base and --head are required');
  const benchArgs = values.get('bench-arg') ?? [];
  // The A/B owns these: every run must have the same settings, and each must measure exactly one step.
  const owned = benchArgs.find((arg) => /^--(rates|duration|step-seconds|warmup-seconds|sut|dist|out|attach|smoke|runtime)(=|$)/.test(arg));
  if (owned) throw new AbUsageError(`--bench-arg ${owned}: set by bench:ab itself`);
  return {
    base,
    head,
    rate: number('rate', DEFAULTS.rate),
    duration: number('duration', DEFAULTS.duration),
    warmup: number('warmup', DEFAULTS.warmup, { allowZero: true }),
    rounds: number('rounds', DEFAULTS.rounds, { integer: true }),
    worktreeRoot: one('worktrees') ?? DEFAULTS.worktreeRoot,
    benchArgs,
  };
}

export class AbUsageError extends Error {
  constructor(message: string) {
    super(`${message}\n${AB_USAGE}`);
  }
}
